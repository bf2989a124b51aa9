import { BRANDS, type Simulator } from '@creditkit/mock';
import { createClient } from '@creditkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { SetupWorker } from 'msw/browser';
import '../src/define.js';
import { de } from '../src/i18n/de.js';
import { type Catalogue, en } from '../src/i18n/en.js';
import { es } from '../src/i18n/es.js';
import { fr } from '../src/i18n/fr.js';
import { ptBR } from '../src/i18n/pt-BR.js';
import { loadLocale, translate } from '../src/i18n/translate.js';
import { API, startSimulator } from './queries.js';

const WAIT = { timeout: 5000 };

const LOCALES: Record<string, Catalogue> = { es, fr, de, 'pt-BR': ptBR };
const english = en as Record<string, string>;
const PLURAL = /^(.*)_(zero|one|two|few|many|other)$/;

/** `{name}` placeholders of a message, sorted. */
const placeholders = (text: string): string[] => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();

/**
 * The English message a translated key corresponds to: itself, or for a plural form English does not
 * have (`_many`), the English `_other` form. Undefined when the key is unknown or the locale's plural
 * rules have no such category.
 */
function englishFor(key: string, locale: string): string | undefined {
  if (key in english) return english[key];
  const [, base, category] = key.match(PLURAL) ?? [];
  if (!base || !category) return undefined;
  const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories as string[];
  return categories.includes(category) ? english[`${base}_other`] : undefined;
}

describe('i18n catalogues', () => {
  for (const [locale, catalogue] of Object.entries(LOCALES)) {
    const messages = catalogue as Record<string, string>;

    describe(locale, () => {
      it('has every English key, including both forms of each _one/_other pair', () => {
        const missing = Object.keys(english).filter((k) => typeof messages[k] !== 'string' || !messages[k].trim());
        expect(missing, `missing in ${locale}`).to.deep.equal([]);
      });

      it('has no keys English does not know, and plural forms only in categories the locale uses', () => {
        const unknown = Object.keys(messages).filter((k) => englishFor(k, locale) === undefined);
        expect(unknown, `unknown in ${locale}`).to.deep.equal([]);
      });

      it('uses exactly the placeholders of the English message', () => {
        const wrong = Object.entries(messages).flatMap(([key, text]) => {
          const source = englishFor(key, locale);
          if (source === undefined) return [];
          const want = placeholders(source);
          const got = placeholders(text);
          return want.join() === got.join() ? [] : [`${key}: ${got.join(' ')} instead of ${want.join(' ')}`];
        });
        expect(wrong, `placeholders in ${locale}`).to.deep.equal([]);
      });
    });
  }

  it('uses the "de" form for a million where the language needs it', async () => {
    for (const locale of Object.keys(LOCALES)) await loadLocale(locale);
    const million = (locale: string) =>
      translate(locale, 'buy.amount', { amount: new Intl.NumberFormat(locale).format(1e6), count: 1e6 });
    expect(million('es')).to.equal('1.000.000 de créditos');
    expect(million('fr')).to.equal('1\u202f000\u202f000 de crédits');
    expect(million('pt-BR')).to.equal('1.000.000 de créditos');
    expect(million('de')).to.equal('1.000.000 Credits');
    expect(translate('fr', 'buy.amount', { amount: '0', count: 0 })).to.equal('0 crédit');
    expect(translate('es', 'buy.amount', { amount: '0', count: 0 })).to.equal('0 créditos');
  });
});

describe('localized widgets', () => {
  let worker: SetupWorker;
  let sim: Simulator;
  let available = 0;

  before(async () => {
    ({ sim, worker } = await startSimulator());
    // A balance with thousands and a fraction, so every locale's separators show.
    await sim.engine.manualGrant('ag_brightwave', 'sa_healthy', { pool: 'voice', credits: 10_000_500 });
    available = (await sim.engine.balances('sa_healthy')).voice.available / 1000;
  });
  after(() => worker.stop());

  async function mount(locale: string, scenario: 'healthy' | 'low' = 'healthy') {
    const client = createClient({ apiBase: API, fetchSessionToken: () => sim.session(scenario) });
    const el = await fixture(
      html`<ck-provider locale=${locale} .client=${client}><ck-balance-meter pool="voice"></ck-balance-meter></ck-provider>`,
    );
    const meter = el.querySelector('ck-balance-meter');
    if (!meter) throw new Error('no ck-balance-meter');
    await waitUntil(() => meter.shadowRoot?.querySelector('[role=meter]'), 'meter rendered', WAIT);
    return meter;
  }

  const textOf = (meter: Element) => meter.shadowRoot?.textContent ?? '';
  const valueTextOf = (meter: Element) =>
    meter.shadowRoot?.querySelector('[role=meter]')?.getAttribute('aria-valuetext') ?? '';

  const SEPARATORS: Record<string, RegExp> = {
    es: /^\d{1,3}(\.\d{3})+,\d{1,2}$/,
    fr: /^\d{1,3}(\u202f\d{3})+,\d{1,2}$/,
    de: /^\d{1,3}(\.\d{3})+,\d{1,2}$/,
    'pt-BR': /^\d{1,3}(\.\d{3})+,\d{1,2}$/,
  };

  for (const [locale, catalogue] of Object.entries(LOCALES)) {
    it(`<ck-provider locale="${locale}"> shows the balance meter in ${locale}`, async () => {
      const meter = await mount(locale);
      const label = catalogue['meter.available'] as string;
      await waitUntil(() => meter.shadowRoot?.textContent?.includes(label), `"${label}" shown`, WAIT);
      const text = textOf(meter);
      expect(meter.getAttribute('lang')).to.equal(locale);
      expect(text).to.contain(catalogue['meter.included']);
      expect(text).not.to.contain(english['meter.included']);

      const amount = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(available);
      expect(amount, 'the locale groups thousands and uses a decimal comma').to.match(SEPARATORS[locale] ?? /^$/);
      expect(meter.shadowRoot?.querySelector('.amount')?.textContent ?? text).to.contain(amount);
      expect(text).not.to.contain(new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(available));

      const valueText = valueTextOf(meter);
      expect(valueText).to.contain(amount);
      expect(valueText).to.contain(catalogue['term.credits']);
    });
  }

  it("shows the agency's own term for credits in the Spanish UI", async () => {
    await sim.engine.updateAgency('ag_brightwave', { brand: { ...BRANDS.brightwave, terms: { credits: 'minutos' } } });
    try {
      const meter = await mount('es', 'low');
      await waitUntil(() => meter.shadowRoot?.textContent?.includes('minutos de voz'), 'the term in the label', WAIT);
      const text = textOf(meter);
      expect(text).to.contain('Tu saldo de minutos es bajo.');
      expect(text).not.to.contain('créditos');
      expect(valueTextOf(meter)).to.match(/ minutos disponibles$/);
    } finally {
      await sim.engine.updateAgency('ag_brightwave', { brand: BRANDS.brightwave });
    }
    const meter = await mount('es', 'low');
    await waitUntil(() => meter.shadowRoot?.textContent?.includes('créditos de voz'), 'the default term again', WAIT);
  });
});

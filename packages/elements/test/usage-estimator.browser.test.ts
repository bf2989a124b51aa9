import { PACKS, PLANS } from '@creditkit/mock';
import { type CreditkitClient, createClient } from '@creditkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { en } from '../src/i18n/en.js';
import { CkProvider } from '../src/provider/provider.js';
import { define } from '../src/shared/define.js';
import { CkUsageEstimator } from '../src/usage-estimator/usage-estimator.js';
import { focused, shadow, simulatorPerTest, tabTo, text } from './queries.js';

define('ck-provider', CkProvider);
define('ck-usage-estimator', CkUsageEstimator);

/** A form control by its visible label, as a user would find it. */
function field<T extends HTMLInputElement | HTMLSelectElement>(el: CkUsageEstimator, label: string): T {
  const found = [...shadow(el).querySelectorAll('label')].find((l) => text(l) === label);
  const control = found ? shadow(el).getElementById(found.htmlFor) : null;
  if (!control) throw new Error(`No field labelled "${label}"`);
  return control as T;
}

/** The live result panel. */
const result = (el: CkUsageEstimator): HTMLElement | null => shadow(el).querySelector('.result[role=status]');

/** Replaces a number field's text from the keyboard: erase from the end, then type. */
async function retype(el: CkUsageEstimator, input: HTMLInputElement, value: string): Promise<void> {
  if (focused(el) !== input) await tabTo(el, input, 15);
  await sendKeys({ press: 'End' });
  // Until the field is empty (a slow machine may flush the debounce between two key presses).
  for (let n = 0; n < 20 && (input.value !== '' || input.validity.badInput); n++)
    await sendKeys({ press: 'Backspace' });
  expect(input.value).to.equal('');
  if (value) await sendKeys({ type: value });
}

describe('ck-usage-estimator', () => {
  // A fresh platform per test, on its own API host.
  const mock = simulatorPerTest({ hostPerTest: true });
  let client: CreditkitClient | null = null;

  afterEach(() => {
    client?.destroy();
    client = null;
  });

  async function mount(
    scenario: 'healthy' | 'low' = 'healthy',
    attrs: { calls?: string; minutes?: string; messages?: string } = {},
    wait = true,
    retries = 3,
  ): Promise<CkUsageEstimator> {
    client = createClient({ apiBase: mock.api, fetchSessionToken: () => mock.sim.session(scenario), retries });
    const el = await fixture(html`<ck-provider .client=${client}>
      <ck-usage-estimator calls=${attrs.calls ?? '200'} minutes=${attrs.minutes ?? '3'} messages=${attrs.messages ?? '300'}></ck-usage-estimator>
    </ck-provider>`);
    const estimator = el.querySelector('ck-usage-estimator') as CkUsageEstimator;
    if (wait) await waitUntil(() => text(result(estimator)).includes('Best fit'), 'estimate shown', { timeout: 5000 });
    return estimator;
  }

  it('computes the documented example: 100 calls × 2 min with Deepgram on Starter rates = 200 credits a month', async () => {
    // sa_low is on Starter: Deepgram at 1000 millicredits (1 credit) per minute, billed per second.
    const starter = PLANS.find((p) => p.id === 'plan_starter');
    expect(starter?.rates.voice.deepgram).to.equal(1000);
    const perCall = Math.ceil((2 * 60 * 1000) / 60); // 2000 millicredits
    const perMonth = 100 * perCall; // 200 000 millicredits = 200 credits
    expect(perMonth).to.equal(200_000);
    const el = await mount('low', { calls: '100', minutes: '2', messages: '0' });
    const shown = text(result(el));

    expect(shown).to.contain('Voice credits200 per month');
    expect(shown).to.contain('SMS credits0 per month');
    expect(shown).to.contain('At Starter rates.');
    // Starter includes 100 credits; the other 100 are cheapest as one 100-credit pack ($25): $49 + $25.
    expect(PACKS.find((p) => p.id === 'pack_voice_100')?.price.amount).to.equal(2500);
    expect(shown).to.contain('Best fit: Starter');
    expect(shown).to.contain('About $74.00 per month');
    expect(shown).to.contain('Includes buying 1 × 100 credits each month.');
    // sa_low has 12 credits left: 12 × 30 / 200 = 1.8 → 1 day.
    const available = client?.$balances.voice.get()?.available ?? -1;
    expect(available).to.equal(12_000);
    expect(Math.floor((available * 30) / perMonth)).to.equal(1);
    expect(shown).to.contain('Your current Voice credits last ≈ 1 day');
    expect(shown).not.to.contain('SMS credits last');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('starts from sensible defaults with labelled native fields', async () => {
    const el = await mount();
    expect(field<HTMLInputElement>(el, 'Calls per month').value).to.equal('200');
    expect(field<HTMLInputElement>(el, 'Average minutes per call').value).to.equal('3');
    const provider = field<HTMLSelectElement>(el, 'Voice');
    expect(provider.selectedOptions[0]?.textContent).to.equal('Deepgram');
    expect([...provider.options].map((o) => o.textContent)).to.deep.equal(['Deepgram', 'Cartesia', 'ElevenLabs']);
    expect(field<HTMLInputElement>(el, 'SMS per month').value).to.equal('300');
    const country = field<HTMLSelectElement>(el, 'SMS destination');
    expect(country.selectedOptions[0]?.textContent).to.equal('United States');
    expect(country.options).to.have.length(8);
    // Growth (the healthy client's plan): 200 × ⌈180 s × 900 / 60⌉ = 540 credits; 300 SMS × 0.149 = 44.7.
    const shown = text(result(el));
    expect(shown).to.contain('Voice credits540 per month');
    expect(shown).to.contain('SMS credits44.7 per month');
    // Growth $129 + 140 more voice credits as a custom quantity at $0.25 = $164, cheaper than Starter or Scale.
    expect(shown).to.contain('Best fit: Growth');
    expect(shown).to.contain('About $164.00 per month');
    expect(shown).to.contain('Includes buying 140 Voice credits each month.');
    expect(shown).to.match(/Your current Voice credits last ≈ \d+ days/);
    expect(shown).not.to.contain('NaN');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('updates the result as the user types and picks, with the keyboard alone', async () => {
    const el = await mount();
    await retype(el, field(el, 'Calls per month'), '100');
    // 100 × 2700 millicredits at Growth's Deepgram rate.
    await waitUntil(() => text(result(el)).includes('Voice credits270 per month'), 'calls applied', { timeout: 5000 });
    // Starter is now cheapest: $49 + 200 credits in two 100-credit packs ($50) + one 50-credit SMS pack ($10).
    expect(text(result(el))).to.contain('Best fit: Starter');
    expect(text(result(el))).to.contain('About $109.00 per month');

    await retype(el, field(el, 'Average minutes per call'), '2.5');
    // 100 × ⌈150 s × 900 / 60⌉ = 225 000 millicredits.
    await waitUntil(() => text(result(el)).includes('Voice credits225 per month'), 'minutes applied', {
      timeout: 5000,
    });

    const provider = field<HTMLSelectElement>(el, 'Voice');
    await tabTo(el, provider, 15);
    await sendKeys({ press: 'ArrowDown' });
    // Cartesia on Growth: 1100 per minute → 100 × 2750.
    await waitUntil(() => text(result(el)).includes('Voice credits275 per month'), 'provider applied', {
      timeout: 5000,
    });
    expect(provider.value).to.equal('cartesia');

    await retype(el, field(el, 'SMS per month'), '1000');
    // 1000 × 149 = 149 credits: Growth includes 83, so 66 more are bought (a 200-credit SMS pack, $35).
    await waitUntil(() => text(result(el)).includes('SMS credits149 per month'), 'SMS applied', { timeout: 5000 });
    await expect(el).shadowDom.to.be.accessible();
  });

  it('reports invalid input next to the field and never shows NaN', async () => {
    const el = await mount();
    const calls = field<HTMLInputElement>(el, 'Calls per month');
    const cases: [string, string][] = [
      ['-5', 'Enter 0 or more.'],
      ['', 'Enter a number.'],
      ['99999999', 'Enter 1,000,000 or less.'],
      ['2.5', 'Enter a whole number.'],
    ];
    for (const [typed, message] of cases) {
      await retype(el, calls, typed);
      const described = () => shadow(el).getElementById(calls.getAttribute('aria-describedby') ?? '');
      await waitUntil(() => text(described()) === message, `"${typed}" flagged`, { timeout: 5000 });
      expect(calls.getAttribute('aria-invalid')).to.equal('true');
      expect(text(result(el))).to.equal('Correct the highlighted fields to see your estimate.');
      expect(text(shadow(el))).not.to.contain('NaN');
      await expect(el).shadowDom.to.be.accessible();
    }
    await retype(el, calls, '50');
    // 50 × 2700 = 135 credits at Growth's Deepgram rate.
    await waitUntil(() => text(result(el)).includes('Voice credits135 per month'), 'valid again', { timeout: 5000 });
    expect(calls.getAttribute('aria-invalid')).to.equal('false');
    expect(calls.hasAttribute('aria-describedby')).to.equal(false);
  });

  it('falls back to the defaults for bad attribute values', async () => {
    const el = await mount('healthy', { calls: 'abc', minutes: '-1', messages: 'Infinity' });
    expect(field<HTMLInputElement>(el, 'Calls per month').value).to.equal('200');
    expect(field<HTMLInputElement>(el, 'Average minutes per call').value).to.equal('3');
    expect(field<HTMLInputElement>(el, 'SMS per month').value).to.equal('300');
    expect(text(shadow(el))).not.to.contain('NaN');
  });

  it('THREATS 21: hostile plan names in the result are shown as text and trimmed', async () => {
    const hostile = PLANS.map((plan) => ({
      ...plan,
      name: `<img src=x onerror="window.__pwned=1">\u202e${'x'.repeat(10_000)}`,
    }));
    await mock.sim.engine.updateCatalog('ag_brightwave', { plans: hostile });
    const el = await mount();
    const best = shadow(el).querySelector('[part=best]') as HTMLElement;
    expect(text(best)).to.match(/^Best fit: <img src=x onerror="window.__pwned=1">x+…$/);
    expect(best.textContent).not.to.match(/[\u202a-\u202e]/);
    expect(shadow(el).querySelector('img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(text(shadow(el)).length).to.be.below(1500);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('shows a skeleton of the result while loading', async () => {
    mock.sim.chaos.latencyMs = 2000;
    const el = await mount('healthy', {}, false);
    const panel = shadow(el).querySelector('[part=result]') as HTMLElement;
    expect(panel.getAttribute('aria-busy')).to.equal('true');
    expect(text(shadow(el).querySelector('[role=status]'))).to.equal('Loading…');
    // The fields are usable and keep their place while the catalogue loads.
    expect(field<HTMLInputElement>(el, 'Calls per month').value).to.equal('200');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('shows an error with retry when the catalogue cannot be loaded', async () => {
    mock.sim.chaos.script = [{ path: '/v1/widget', kind: 503, times: 1 }];
    const el = await mount('healthy', {}, false, 0);
    await waitUntil(() => shadow(el).querySelector('[role=alert]'), 'error shown', { timeout: 8000 });
    const detail = (en as Record<string, string>)['error.internal_error'] ?? en['state.error'];
    expect(text(shadow(el).querySelector('[role=alert]'))).to.contain(detail);
    await expect(el).shadowDom.to.be.accessible();
    const retry = [...shadow(el).querySelectorAll('button')].find((b) => text(b) === 'Try again') as HTMLButtonElement;
    retry.click();
    await waitUntil(() => text(result(el)).includes('Best fit'), 'estimate after retry', { timeout: 5000 });
  });

  it('says the client is signed out when no session can be had', async () => {
    client = createClient({ apiBase: mock.api, fetchSessionToken: () => Promise.reject(new Error('no session')) });
    const wrapper = await fixture(
      html`<ck-provider .client=${client}><ck-usage-estimator></ck-usage-estimator></ck-provider>`,
    );
    const el = wrapper.querySelector('ck-usage-estimator') as CkUsageEstimator;
    await waitUntil(() => shadow(el).querySelector('[role=alert]'), 'signed-out shown', { timeout: 8000 });
    expect(text(shadow(el).querySelector('[role=alert]'))).to.contain("We can't sign you in right now.");
    await expect(el).shadowDom.to.be.accessible();
  });

  it('says so when the agency has no plans to estimate with', async () => {
    await mock.sim.engine.updateCatalog('ag_brightwave', { plans: [] });
    const el = await mount('healthy', {}, false);
    await waitUntil(() => text(result(el)).includes('No plans'), 'empty state', { timeout: 5000 });
    expect(text(result(el))).to.equal('No plans are available to estimate with right now.');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('marks the estimate stale when balances cannot be refreshed', async () => {
    const el = await mount();
    mock.sim.chaos.offline = true;
    await client?.refresh().catch(() => {});
    await waitUntil(() => shadow(el).querySelector('.stale'), 'stale note', { timeout: 5000 });
    expect(text(shadow(el).querySelector('.stale'))).to.match(/last known balance/);
    expect(text(result(el))).to.contain('Best fit: Growth');
    await expect(el).shadowDom.to.be.accessible();
    mock.sim.chaos.offline = false;
  });

  it('says it is not set up when the provider has a bad configuration', async () => {
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      const wrapper = await fixture(
        html`<ck-provider api-base="javascript:alert(1)" session-endpoint="/s"><ck-usage-estimator></ck-usage-estimator></ck-provider>`,
      );
      const el = wrapper.querySelector('ck-usage-estimator') as CkUsageEstimator;
      await waitUntil(() => shadow(el).querySelector('[role=alert]'), 'config error shown');
      expect(text(shadow(el).querySelector('[role=alert]'))).to.equal('This widget is not set up correctly.');
      expect(String(logged[0])).to.contain('api-base');
      await expect(el).shadowDom.to.be.accessible();
    } finally {
      console.error = original;
    }
  });
});

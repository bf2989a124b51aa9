import { BRANDS, type Simulator } from '@creditkit/mock';
import { type CreditkitClient, createClient } from '@creditkit/sdk';
import { expect, waitUntil } from '@open-wc/testing';
import type { SetupWorker } from 'msw/browser';
import { CkBalanceMeter } from '../src/balance-meter/balance-meter.js';
import { CkBuyCredits } from '../src/buy-credits/buy-credits.js';
import { CkProvider } from '../src/provider/provider.js';
import { define } from '../src/shared/define.js';
import { safeColor, safeUrl } from '../src/theme/brand.js';
import { API, startSimulator } from './queries.js';

define('ck-provider', CkProvider);
define('ck-balance-meter', CkBalanceMeter);
define('ck-buy-credits', CkBuyCredits);

const WAIT = { timeout: 6000 };

describe('embedding on hostile pages', () => {
  let sim: Simulator;
  let worker: SetupWorker;
  let client: CreditkitClient | null = null;
  const warnings: string[] = [];
  const originalWarn = console.warn;

  before(async () => {
    ({ sim, worker } = await startSimulator());
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  });
  after(() => {
    console.warn = originalWarn;
    worker.stop();
  });
  afterEach(() => {
    client?.destroy();
    client = null;
    mounted?.remove();
    mounted = null;
    warnings.length = 0;
    for (const style of document.querySelectorAll('style[data-hostile]')) style.remove();
  });

  let mounted: HTMLElement | null = null;
  // Straight into <body>, as an agency page would (a test wrapper <div> would fall to `div { display: none }`).
  const mount = async () => {
    client = createClient({ apiBase: API, fetchSessionToken: () => sim.session('healthy') });
    const provider = document.createElement('ck-provider');
    provider.client = client;
    provider.innerHTML =
      '<ck-balance-meter pool="voice"></ck-balance-meter><ck-buy-credits pool="voice"></ck-buy-credits>';
    document.body.append(provider);
    mounted = provider;
    const meter = provider.querySelector('ck-balance-meter') as CkBalanceMeter;
    const buy = provider.querySelector('ck-buy-credits') as CkBuyCredits;
    await waitUntil(() => meter.shadowRoot?.querySelector('[role=meter]'), 'the meter shows data', WAIT);
    await waitUntil(() => buy.shadowRoot?.querySelector('input[type=radio]'), 'the packs show', WAIT);
    return { provider, meter, buy };
  };

  it('THREATS 20: a global reset, hidden divs and huge fonts on the page leave the widgets as designed', async () => {
    const style = document.createElement('style');
    style.dataset.hostile = '';
    style.textContent = `
      *, *::before, *::after { all: unset; }
      html { font-size: 40px !important; }
      body { font-family: 'Comic Sans MS', cursive; color: red; line-height: 4; display: block; }
      div { display: none !important; }
      button { background: rgb(255, 105, 180) !important; font-size: 3em !important; }
      [role='meter'] { display: none !important; }
      ck-balance-meter, ck-buy-credits { font-size: 64px; color: lime; }`;
    document.head.append(style);
    const { meter, buy } = await mount();

    const bar = meter.shadowRoot?.querySelector('[role=meter]') as HTMLElement;
    expect(bar.getBoundingClientRect().height).to.be.greaterThan(0);
    expect(meter.getBoundingClientRect().height).to.be.greaterThan(100);
    const card = meter.shadowRoot?.querySelector('.card') as HTMLElement;
    expect(getComputedStyle(card).fontSize).to.equal('15px');
    expect(getComputedStyle(card).display).to.equal('block');
    const pay = [...(buy.shadowRoot?.querySelectorAll('button') ?? [])].find((b) =>
      /review/i.test(b.textContent ?? ''),
    );
    expect(pay, 'the review button').to.exist;
    expect(getComputedStyle(pay as Element).backgroundColor).not.to.equal('rgb(255, 105, 180)');
    expect(getComputedStyle(pay as Element).fontSize).to.equal('15px');
    await expect(meter).shadowDom.to.be.accessible();
  });

  it('THREATS 21: agency strings with markup, bidi overrides and 10 KB are shown as text, never run', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">"><script>window.__pwned=2</script>\u202Egnp.exe';
    await sim.engine.updateAgency('ag_brightwave', {
      brand: { ...BRANDS.brightwave, terms: { credits: hostile, credit: 'x'.repeat(10_000) } },
    });
    try {
      const { meter } = await mount();
      await waitUntil(() => meter.shadowRoot?.textContent?.includes('<img'), 'the term shows as text', WAIT);
      expect(meter.shadowRoot?.querySelector('img, script')).to.equal(null);
      expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    } finally {
      await sim.engine.updateAgency('ag_brightwave', { brand: BRANDS.brightwave });
    }
  });

  it('THREATS 22: agency URLs other than absolute https: are refused with a warning', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JaVa\tScRiPt:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.example/logo.png',
      'http://agency.example/logo.png',
      'https://user:pass@agency.example/',
      'https:/\\evil.example',
      '',
    ]) {
      expect(safeUrl(bad), bad).to.equal(null);
    }
    expect(safeUrl('https://agency.example/logo.png')).to.equal('https://agency.example/logo.png');
    expect(warnings.filter((w) => w.includes('https:')).length).to.be.greaterThan(5);
  });

  it('THREATS 23: brand colors carrying CSS are rejected and the default theme is used', async () => {
    for (const bad of ['red;background:url(https://evil.example/x)', 'url(x)', 'expression(alert(1))', '#12', 'red']) {
      expect(safeColor(bad), bad).to.equal(null);
    }
    await sim.engine.updateAgency('ag_brightwave', {
      brand: { ...BRANDS.brightwave, colors: { primary: 'red;background:url(https://evil.example/x)', accent: null } },
    });
    try {
      const { provider, meter } = await mount();
      expect(provider.style.getPropertyValue('--ck-brand-primary')).to.equal('');
      const fill = meter.shadowRoot?.querySelector('.fill') as HTMLElement;
      expect(getComputedStyle(fill).backgroundColor).to.equal('rgb(29, 78, 216)');
      expect(warnings.some((w) => w.includes('primary color'))).to.equal(true);
    } finally {
      await sim.engine.updateAgency('ag_brightwave', { brand: BRANDS.brightwave });
    }
  });

  it('THREATS 23: a valid brand color becomes the widgets’ primary color', async () => {
    const { provider, meter } = await mount();
    await waitUntil(() => provider.style.getPropertyValue('--ck-brand-primary') !== '', 'brand applied', WAIT);
    const fill = meter.shadowRoot?.querySelector('.fill') as HTMLElement;
    expect(getComputedStyle(fill).backgroundColor).to.equal('rgb(11, 110, 79)');
  });

  it('THREATS 24: the script loaded twice, or another version defining the same tags, does not crash', async () => {
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.error);
    window.addEventListener('error', onError);
    try {
      // A second copy of the registering module (another URL is another module instance).
      await import(/* @vite-ignore */ `../src/define.ts?copy=${Date.now()}`);
      await import(/* @vite-ignore */ `../src/define.ts?copy=${Date.now() + 1}`);
      class Impostor extends HTMLElement {}
      define('ck-balance-meter', Impostor);
    } finally {
      window.removeEventListener('error', onError);
    }
    expect(errors).to.deep.equal([]);
    expect(customElements.get('ck-balance-meter')).to.equal(CkBalanceMeter);
    const { meter } = await mount();
    expect(meter).to.be.instanceOf(CkBalanceMeter);
  });
});

import type { Pack, Purchase } from '@creditkit/contract';
import { createSimulator, mswHandlers, PACKS, type Scenario, type Simulator } from '@creditkit/mock';
import { ManualClock } from '@creditkit/platform';
import { type CreditkitClient, createClient } from '@creditkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { SetupWorker } from 'msw/browser';
import { CkBuyCredits } from '../src/buy-credits/buy-credits.js';
import { CkProvider } from '../src/provider/provider.js';
import { define } from '../src/shared/define.js';
import type { CkCheckoutEvent, CkErrorEvent, CkPurchaseFailedEvent } from '../src/shared/events.js';
import { API, nameOf, norm, roleQueries, startSimulator, tabTo, text } from './queries.js';

define('ck-provider', CkProvider);
define('ck-buy-credits', CkBuyCredits);

const WAIT = { timeout: 6000 };

// Names here are often the start of a longer one ('100 credits' for '100 credits $25.00 …'): match any part.
const { allByRole, byRole, getByRole } = roleQueries('partial');

async function until(host: Element, what: () => unknown, message: string): Promise<void> {
  try {
    await waitUntil(what, message, WAIT);
  } catch (error) {
    throw new Error(`${message}; widget shows: ${text(host)}`, { cause: error });
  }
}

const seeText = (host: Element, needle: string): Promise<void> =>
  until(host, () => text(host).includes(needle), `"${needle}" shown`);

function type(input: HTMLElement, value: string): void {
  (input as HTMLInputElement).value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Completes the test-mode checkout as the payment page would: POST {token, action} to the checkout URL. */
async function completeCheckout(purchase: Purchase, action: 'pay' | 'fail' | 'cancel'): Promise<void> {
  const url = new URL(purchase.checkoutUrl as string);
  const token = url.searchParams.get('token') as string;
  const response = await fetch(`${url.origin}${url.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, action }),
  });
  expect(response.status).to.equal(200);
}

describe('ck-buy-credits', () => {
  let worker: SetupWorker;
  let sim: Simulator;
  const clients: CreditkitClient[] = [];

  before(async () => {
    ({ sim, worker } = await startSimulator());
  });
  after(() => worker.stop());
  const clearPending = (): void => {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith('creditkit:')) sessionStorage.removeItem(key);
  };
  beforeEach(clearPending);
  afterEach(() => {
    worker.resetHandlers();
    sim.chaos.script = [];
    sim.chaos.latencyMs = 0;
    for (const client of clients.splice(0)) client.destroy();
  });

  /** A simulator of its own for a test that changes the agency or the clock. */
  async function ownSimulator(options: Parameters<typeof createSimulator>[0] = {}): Promise<Simulator> {
    const own = await createSimulator(options);
    worker.use(...mswHandlers(own, API));
    return own;
  }

  async function mount(
    options: { scenario?: Scenario; from?: Simulator; checkout?: 'popup' | 'redirect'; ready?: boolean } = {},
  ) {
    const from = options.from ?? sim;
    const client = createClient({ apiBase: API, fetchSessionToken: () => from.session(options.scenario ?? 'healthy') });
    clients.push(client);
    const root = await fixture<CkProvider>(
      html`<div>
        <button>Before</button>
        <ck-provider .client=${client}>
          <ck-buy-credits pool="voice" checkout=${options.checkout ?? 'popup'}></ck-buy-credits>
        </ck-provider>
      </div>`,
    );
    const el = root.querySelector('ck-buy-credits') as CkBuyCredits;
    const provider = root.querySelector('ck-provider') as CkProvider;
    if (options.ready !== false) {
      await until(el, () => byRole(el, 'radio') || byRole(el, 'textbox'), 'choices rendered');
    }
    return { el, client, provider, before: root.querySelector('button') as HTMLButtonElement };
  }

  /** Counts a widget event on the page, and keeps the last one. */
  function listen<E extends Event>(target: EventTarget, type: string, prevent = false) {
    const seen: E[] = [];
    target.addEventListener(type, (event) => {
      if (prevent) event.preventDefault();
      seen.push(event as E);
    });
    return seen;
  }

  async function review(el: CkBuyCredits, pack: string): Promise<void> {
    getByRole(el, 'radio', pack).click();
    getByRole(el, 'button', 'Review purchase').click();
    await until(el, () => byRole(el, 'heading', 'Confirm your purchase'), 'confirm view');
  }

  it('shows a loading skeleton, then the packs at agency prices with per-credit price and savings', async () => {
    sim.chaos.latencyMs = 400;
    const { el } = await mount({ ready: false });
    const card = el.shadowRoot?.querySelector('[part=base]');
    expect(card?.getAttribute('aria-busy')).to.equal('true');
    expect(byRole(el, 'button', 'Review purchase')).to.equal(null);
    await expect(el).shadowDom.to.be.accessible();

    await until(el, () => byRole(el, 'radio'), 'packs rendered');
    const radios = allByRole(el, 'radio');
    expect(radios.map((r) => nameOf(r).split(' $')[0])).to.deep.equal([
      '100 credits',
      '500 credits',
      '1,000 credits',
      'Custom amount Between 50 and 10,000',
    ]);
    expect((radios[0] as HTMLInputElement).checked, 'the first pack is chosen').to.equal(true);
    const small = nameOf(getByRole(el, 'radio', '100 credits'));
    expect(small).to.contain('$25.00').and.contain('$0.25 per credit').and.not.contain('Save');
    expect(nameOf(getByRole(el, 'radio', '500 credits')))
      .to.contain('$110.00')
      .and.contain('$0.22 per credit')
      .and.contain('Save 12%');
    expect(nameOf(getByRole(el, 'radio', '1,000 credits')))
      .to.contain('$200.00')
      .and.contain('Save 20%');
    expect(byRole(el, 'button', /^Pay/)).to.equal(null);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('validates a custom amount with a clear message, and shows an indicative price for a valid one', async () => {
    const { el } = await mount();
    getByRole(el, 'radio', 'Custom amount').click();
    const input = await (async () => {
      await until(el, () => byRole(el, 'textbox', 'Number of credits'), 'custom field');
      return getByRole(el, 'textbox', 'Number of credits') as HTMLInputElement;
    })();

    for (const bad of ['20', '2.5', '20000', 'ten']) {
      type(input, bad);
      getByRole(el, 'button', 'Review purchase').click();
      await seeText(el, 'Enter a whole number of credits between 50 and 10,000.');
      expect(input.getAttribute('aria-invalid'), bad).to.equal('true');
    }
    expect(el.shadowRoot?.activeElement, 'focus goes to the field').to.equal(input);
    await expect(el).shadowDom.to.be.accessible();
    expect(byRole(el, 'heading', 'Confirm your purchase'), 'no quote for an invalid amount').to.equal(null);

    type(input, '250');
    await seeText(el, 'About $62.50 ($0.25 per credit)');
    expect(input.getAttribute('aria-invalid')).to.equal('false');
    await expect(el).shadowDom.to.be.accessible();

    getByRole(el, 'button', 'Review purchase').click();
    await until(el, () => byRole(el, 'heading', 'Confirm your purchase'), 'confirm view');
    expect(text(el)).to.contain('250 credits for $62.50');
  });

  it('confirms the exact credits, price and quote expiry before paying', async () => {
    const { el, client } = await mount();
    await review(el, '500 credits');
    expect(el.shadowRoot?.activeElement, 'focus moves to the confirmation').to.equal(
      getByRole(el, 'heading', 'Confirm'),
    );
    expect(text(el)).to.contain('500 credits for $110.00').and.contain('This price is held until');
    getByRole(el, 'button', 'Pay $110.00');
    // Nothing bought yet.
    expect(Object.keys(client.$purchases.get())).to.have.length(0);
    await expect(el).shadowDom.to.be.accessible();

    getByRole(el, 'button', 'Back').click();
    await until(el, () => byRole(el, 'button', 'Review purchase'), 'back to the packs');
    expect((getByRole(el, 'radio', '500 credits') as HTMLInputElement).checked, 'choice kept').to.equal(true);
  });

  it('buys a pack end to end: pending until the server grants, then done, complete fired once, balance up by the pack', async () => {
    const { el, client, provider } = await mount();
    const before = client.$balances.voice.get();
    expect(before).to.not.equal(null);
    const checkouts = listen<CkCheckoutEvent>(provider, 'ck-checkout', true);
    const complete = listen(provider, 'ck-purchase-complete');
    const failed = listen(provider, 'ck-purchase-failed');

    await review(el, '100 credits');
    getByRole(el, 'button', 'Pay $25.00').click();
    await seeText(el, 'Waiting for payment confirmation…');
    expect(checkouts).to.have.length(1);
    const purchase = (checkouts[0] as CkCheckoutEvent).purchase;
    expect(purchase.credits).to.equal(100_000);
    expect(purchase.amount).to.deep.equal({ amount: 2500, currency: 'USD' });
    const status = el.shadowRoot?.querySelector('[role=status][aria-live=polite]');
    expect(norm(status?.textContent)).to.contain('Waiting for payment confirmation…');
    expect(text(el), 'not shown as added before the grant').to.not.contain('added to your balance');
    expect(client.$balances.voice.get()?.available).to.equal(before?.available);
    await expect(el).shadowDom.to.be.accessible();

    await completeCheckout(purchase, 'pay');
    await seeText(el, '100 credits added to your balance.');
    expect(client.$balances.voice.get()?.available).to.equal((before?.available ?? 0) + 100_000);
    expect(client.$balances.voice.get()?.purchased.remaining).to.equal((before?.purchased.remaining ?? 0) + 100_000);
    await expect(el).shadowDom.to.be.accessible();
    await new Promise((r) => setTimeout(r, 300));
    expect(complete).to.have.length(1);
    expect(failed).to.have.length(0);

    getByRole(el, 'button', 'Buy more').click();
    await until(el, () => byRole(el, 'button', 'Review purchase'), 'back to the packs');
  });

  it('shows a failed payment, fires ck-purchase-failed once, and offers to try again', async () => {
    const { el, client, provider } = await mount();
    const before = client.$balances.voice.get()?.available;
    const checkouts = listen<CkCheckoutEvent>(provider, 'ck-checkout', true);
    const failed = listen<CkPurchaseFailedEvent>(provider, 'ck-purchase-failed');
    const complete = listen(provider, 'ck-purchase-complete');
    await review(el, '100 credits');
    getByRole(el, 'button', 'Pay $25.00').click();
    await until(el, () => checkouts.length === 1, 'checkout event');
    await completeCheckout((checkouts[0] as CkCheckoutEvent).purchase, 'fail');
    await seeText(el, "The payment didn't go through. You were not charged.");
    await expect(el).shadowDom.to.be.accessible();
    await new Promise((r) => setTimeout(r, 300));
    expect(failed).to.have.length(1);
    expect(failed[0]?.purchase?.status).to.equal('failed');
    expect(complete).to.have.length(0);
    expect(client.$balances.voice.get()?.available).to.equal(before);

    getByRole(el, 'button', 'Try again').click();
    await until(el, () => byRole(el, 'button', 'Pay $25.00'), 'a fresh quote to pay');
  });

  it('shows a canceled checkout and fires ck-purchase-failed once', async () => {
    const { el, provider } = await mount();
    const checkouts = listen<CkCheckoutEvent>(provider, 'ck-checkout', true);
    const failed = listen<CkPurchaseFailedEvent>(provider, 'ck-purchase-failed');
    await review(el, '500 credits');
    getByRole(el, 'button', 'Pay $110.00').click();
    await until(el, () => checkouts.length === 1, 'checkout event');
    await completeCheckout((checkouts[0] as CkCheckoutEvent).purchase, 'cancel');
    await seeText(el, 'Checkout canceled. Nothing was charged.');
    await expect(el).shadowDom.to.be.accessible();
    expect(failed).to.have.length(1);
    expect(failed[0]?.purchase?.status).to.equal('canceled');
  });

  it('opens the checkout in a popup opened inside the click, before waiting on the network', async () => {
    const { el, provider } = await mount();
    const checkouts = listen<CkCheckoutEvent>(provider, 'ck-checkout');
    const popup = {
      location: { href: 'about:blank' },
      opener: window as unknown,
      closed: false,
      close() {
        this.closed = true;
      },
    };
    const calls: unknown[][] = [];
    const open = window.open;
    window.open = ((...args: unknown[]) => {
      calls.push(args);
      return popup as unknown as Window;
    }) as typeof window.open;
    try {
      await review(el, '100 credits');
      getByRole(el, 'button', 'Pay $25.00').click();
      expect(calls, 'opened synchronously in the click').to.have.length(1);
      expect(calls[0]?.[0]).to.equal('about:blank');
      await until(el, () => popup.location.href.includes('/v1/test-checkout/'), 'checkout loaded in the popup');
      expect(popup.location.href).to.equal((checkouts[0] as CkCheckoutEvent).purchase.checkoutUrl);
      expect(popup.opener, 'the checkout cannot reach back into the page').to.equal(null);
      expect(popup.closed).to.equal(false);
      await seeText(el, 'Complete the payment in the checkout window.');
      await completeCheckout((checkouts[0] as CkCheckoutEvent).purchase, 'pay');
      await seeText(el, '100 credits added to your balance.');
    } finally {
      window.open = open;
    }
  });

  it('can be bought with the keyboard alone (Tab, arrows, Enter, Space)', async () => {
    const { el, client, provider, before } = await mount();
    const start = client.$balances.voice.get()?.available ?? 0;
    const checkouts = listen<CkCheckoutEvent>(provider, 'ck-checkout', true);
    before.focus();
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot?.activeElement).to.equal(getByRole(el, 'radio', '100 credits'));
    await sendKeys({ press: 'ArrowDown' });
    expect((getByRole(el, 'radio', '500 credits') as HTMLInputElement).checked).to.equal(true);
    await tabTo(el, () => byRole(el, 'button', 'Review purchase'), 6);
    await sendKeys({ press: 'Enter' });
    await until(el, () => byRole(el, 'button', 'Pay $110.00'), 'confirm view');
    await tabTo(el, () => byRole(el, 'button', 'Pay $110.00'), 6);
    await sendKeys({ press: ' ' }); // Space (the key's name differs between CDP and WebDriver BiDi)
    await until(el, () => checkouts.length === 1, 'checkout event');
    await seeText(el, 'Waiting for payment confirmation…');
    await completeCheckout((checkouts[0] as CkCheckoutEvent).purchase, 'pay');
    await seeText(el, '500 credits added to your balance.');
    expect(client.$balances.voice.get()?.available).to.equal(start + 500_000);
    expect(el.shadowRoot?.activeElement, 'focus on the outcome').to.equal(el.shadowRoot?.querySelector('.done'));
  });

  it('THREATS 9: a double click, or Enter and a click, make one purchase', async () => {
    const { el, provider } = await mount();
    const checkouts = listen<CkCheckoutEvent>(provider, 'ck-checkout', true);
    let posts = 0;
    const original = sim.fetch;
    (sim as { fetch: Simulator['fetch'] }).fetch = (request) => {
      if (request.method === 'POST' && new URL(request.url).pathname === '/v1/purchases') posts++;
      return original(request);
    };
    try {
      const start = (await sim.engine.store.ids('purchases')).length;
      await review(el, '100 credits');
      const pay = getByRole(el, 'button', 'Pay $25.00');
      pay.click();
      pay.click();
      await seeText(el, 'Waiting for payment confirmation…');
      expect((await sim.engine.store.ids('purchases')).length - start, 'double click').to.equal(1);
    } finally {
      (sim as { fetch: Simulator['fetch'] }).fetch = original;
    }
    expect(posts).to.equal(1);
    expect(checkouts).to.have.length(1);

    // Enter on the focused button and a click right after (a fresh widget, not resuming the purchase above).
    clearPending();
    const second = await mount();
    const more = listen<CkCheckoutEvent>(second.provider, 'ck-checkout', true);
    const start = (await sim.engine.store.ids('purchases')).length;
    await review(second.el, '500 credits');
    const pay = getByRole(second.el, 'button', 'Pay $110.00');
    pay.focus();
    await sendKeys({ press: 'Enter' });
    pay.click();
    await seeText(second.el, 'Waiting for payment confirmation…');
    expect((await sim.engine.store.ids('purchases')).length - start, 'Enter + click').to.equal(1);
    expect(more).to.have.length(1);
  });

  it('THREATS 8: paying an expired quote re-quotes and says so, without buying', async () => {
    const clock = new ManualClock();
    const own = await ownSimulator({ clock });
    const { el, provider } = await mount({ from: own });
    const checkouts = listen<CkCheckoutEvent>(provider, 'ck-checkout', true);
    await review(el, '100 credits');
    const quotes = (await own.engine.store.ids('quotes')).length;
    clock.advance(11 * 60_000);
    getByRole(el, 'button', 'Pay $25.00').click();
    await seeText(el, 'That price expired. We fetched a new one.');
    expect((await own.engine.store.ids('quotes')).length).to.equal(quotes + 1);
    expect(await own.engine.store.ids('purchases')).to.have.length(0);
    expect(checkouts).to.have.length(0);
    await expect(el).shadowDom.to.be.accessible();

    // The new quote can be paid.
    await until(el, () => byRole(el, 'button', 'Pay $25.00')?.getAttribute('aria-disabled') === 'false', 'payable');
    getByRole(el, 'button', 'Pay $25.00').click();
    await seeText(el, 'Waiting for payment confirmation…');
    expect(await own.engine.store.ids('purchases')).to.have.length(1);
  });

  it('THREATS 8: a quote that expires while shown is re-quoted automatically', async () => {
    const clock = new ManualClock();
    const own = await ownSimulator({ clock });
    const { el, client } = await mount({ from: own });
    await review(el, '500 credits');
    const quotes = (await own.engine.store.ids('quotes')).length;
    clock.advance(11 * 60_000);
    await client.refresh(); // the client learns the server's time from any answer
    await seeText(el, 'That price expired. We fetched a new one.');
    expect((await own.engine.store.ids('quotes')).length).to.equal(quotes + 1);
    getByRole(el, 'button', 'Pay $110.00');
  });

  it('shows an error with retry when the quote fails (scripted 503), and nothing is lost', async () => {
    const { el, provider } = await mount();
    const errors = listen<CkErrorEvent>(provider, 'ck-error');
    sim.chaos.script = [{ path: '/v1/quotes', kind: 503 }];
    getByRole(el, 'radio', '500 credits').click();
    getByRole(el, 'button', 'Review purchase').click();
    await until(el, () => byRole(el, 'alert'), 'error shown');
    expect(norm(getByRole(el, 'alert').textContent)).to.contain('The server had a problem. Please try again.');
    expect(errors.some((e) => e.error.code === 'internal_error')).to.equal(true);
    await expect(el).shadowDom.to.be.accessible();

    getByRole(el, 'button', 'Try again').click();
    await until(el, () => byRole(el, 'button', 'Pay $110.00'), 'quote after retry');
    expect(byRole(el, 'alert')).to.equal(null);
  });

  it('resumes waiting after a redirect to checkout and back (pending purchase kept per pool)', async () => {
    const first = await mount({ checkout: 'redirect' });
    const checkouts = listen<CkCheckoutEvent>(first.provider, 'ck-checkout', true);
    await review(first.el, '100 credits');
    getByRole(first.el, 'button', 'Pay $25.00').click();
    await until(first.el, () => checkouts.length === 1, 'checkout event');
    const purchase = (checkouts[0] as CkCheckoutEvent).purchase;
    expect(Object.values(sessionStorage)).to.include(purchase.id);
    first.client.destroy();
    first.el.closest('div')?.remove();

    // Back on the page: a new client, the same sub-account.
    const again = await mount({ checkout: 'redirect', ready: false });
    const complete = listen(again.provider, 'ck-purchase-complete');
    await seeText(again.el, 'Waiting for payment confirmation…');
    await completeCheckout(purchase, 'pay');
    await seeText(again.el, '100 credits added to your balance.');
    expect(complete).to.have.length(1);
    expect(Object.values(sessionStorage)).to.not.include(purchase.id);
  });

  it('says service is paused but still allows buying', async () => {
    const { el } = await mount({ scenario: 'paused' });
    await seeText(el, 'Service is paused by your provider.');
    await expect(el).shadowDom.to.be.accessible();
    await review(el, '100 credits');
    getByRole(el, 'button', 'Pay $25.00');
  });

  it('external billing: a request form and the agency contact instead of a pay button', async () => {
    const { el } = await mount({ scenario: 'external' });
    getByRole(el, 'heading', 'Request credits');
    expect(byRole(el, 'radio')).to.equal(null);
    expect(byRole(el, 'button', /Pay|Review/)).to.equal(null);
    expect(getByRole(el, 'link', 'support@brightwave.example').getAttribute('href')).to.equal(
      'mailto:support@brightwave.example',
    );
    expect(getByRole(el, 'link', 'Support website').getAttribute('href')).to.equal(
      'https://brightwave.example/contact',
    );
    await expect(el).shadowDom.to.be.accessible();

    getByRole(el, 'button', 'Send request').click();
    await seeText(el, 'Enter a whole number of credits, at least 1.');
    await expect(el).shadowDom.to.be.accessible();

    const requests = (await sim.engine.store.ids('creditRequests')).length;
    type(getByRole(el, 'textbox', 'Number of credits'), '300');
    type(getByRole(el, 'textbox', 'Message'), 'For the spring campaign');
    getByRole(el, 'button', 'Send request').click();
    await seeText(el, 'Request sent. Your provider will be in touch.');
    expect(await sim.engine.store.ids('creditRequests')).to.have.length(requests + 1);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('THREATS 21: hostile pack names are shown as text, trimmed, without bidi overrides', async () => {
    const own = await ownSimulator();
    const hostile = (id: string, name: string, credits: number): Pack => ({
      id,
      pool: 'voice',
      name,
      credits,
      price: { amount: credits / 40, currency: 'USD' },
    });
    const w = window as unknown as { pwned?: boolean };
    await own.engine.updateCatalog('ag_brightwave', {
      packs: [
        hostile('pack_html', '"><img src=x onerror="window.pwned=true">', 200_000),
        hostile('pack_long', 'A'.repeat(10_000), 300_000),
        hostile('pack_rtl', '\u202Egnp.exe\u202C Starter', 400_000),
        ...PACKS,
      ],
    });
    const { el } = await mount({ from: own });
    await new Promise((r) => setTimeout(r, 100));
    expect(el.shadowRoot?.querySelector('img')).to.equal(null);
    expect(w.pwned).to.equal(undefined);
    expect(nameOf(getByRole(el, 'radio', '200 credits'))).to.contain('"><img src=x onerror=');
    const long = nameOf(getByRole(el, 'radio', '300 credits'));
    expect(long.length).to.be.below(200);
    expect(long).to.contain('…');
    expect(text(el)).to.not.match(/[\u202a-\u202e\u2066-\u2069]/);
    expect(text(el)).to.contain('gnp.exe Starter');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('THREATS 22: unsafe support URLs are not rendered as links', async () => {
    const own = await ownSimulator();
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      for (const url of [
        'javascript:alert(1)',
        'JaVa\tScRiPt:alert(1)',
        'data:text/html,<b>x</b>',
        '//evil.example',
        'http://evil.example',
      ]) {
        await own.engine.updateAgency('ag_brightwaveexternal', { brand: { supportUrl: url } } as never);
        const { el, client } = await mount({ scenario: 'external', from: own });
        const hrefs = allByRole(el, 'link').map((a) => a.getAttribute('href'));
        expect(hrefs, url).to.deep.equal(['mailto:support@brightwave.example']);
        expect(text(el), url).to.not.contain('evil').and.not.contain('alert(1)');
        client.destroy();
      }
      expect(warnings.length, 'a warning for each refused URL').to.be.at.least(5);
    } finally {
      console.warn = warn;
    }
  });

  it('shows the signed-out state with a retry when no session can be had', async () => {
    const client = createClient({
      apiBase: API,
      fetchSessionToken: () => Promise.reject(Object.assign(new Error('refused'), { status: 401 })),
    });
    clients.push(client);
    const root = await fixture(html`<ck-provider .client=${client}><ck-buy-credits></ck-buy-credits></ck-provider>`);
    const el = root.querySelector('ck-buy-credits') as CkBuyCredits;
    await seeText(el, "We can't sign you in right now.");
    getByRole(el, 'button', 'Try again');
    await expect(el).shadowDom.to.be.accessible();
  });
});

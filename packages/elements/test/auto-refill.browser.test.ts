import { type CreditkitClient, createClient } from '@creditkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { CkAutoRefill } from '../src/auto-refill/auto-refill.js';
import { CkProvider } from '../src/provider/provider.js';
import { define } from '../src/shared/define.js';
import { byRole, descriptionOf, focused, getByRole, nameOf, norm, shadow, simulatorPerTest, text } from './queries.js';

define('ck-provider', CkProvider);
define('ck-auto-refill', CkAutoRefill);

const focusedName = (el: Element): string => {
  const on = focused(el);
  return on ? nameOf(on) : '';
};

describe('ck-auto-refill', () => {
  // A fresh platform per test: a saved card must not leak from one test into the next.
  const mock = simulatorPerTest();
  const { clients, connect } = mock;

  async function mount(client: CreditkitClient): Promise<CkAutoRefill> {
    const el = await fixture(
      html`<ck-provider .client=${client}><ck-auto-refill pool="voice"></ck-auto-refill></ck-provider>`,
    );
    const refill = el.querySelector('ck-auto-refill') as CkAutoRefill;
    await waitUntil(
      () => refill.shadowRoot?.querySelector('h2') && !refill.shadowRoot.querySelector('[aria-busy]'),
      'loaded',
      {
        timeout: 8000,
      },
    );
    return refill;
  }

  /** A completed test-mode checkout: the platform saves the card it was paid with (Visa 4242). */
  async function saveCard(client: CreditkitClient): Promise<void> {
    const quote = await client.quote({ pool: 'voice', packId: 'pack_voice_100' });
    const purchase = await client.purchase(quote);
    const url = new URL(purchase.checkoutUrl as string);
    const response = await fetch(`${url.origin}${url.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: url.searchParams.get('token'), action: 'pay' }),
    });
    expect(response.status).to.equal(200);
  }

  async function enableWithCard(client: CreditkitClient): Promise<CkAutoRefill> {
    await saveCard(client);
    const el = await mount(client);
    expect(getByRole(el, 'switch').getAttribute('aria-disabled')).to.equal(null);
    getByRole(el, 'switch').click();
    await waitUntil(() => byRole(el, 'spinbutton', 'At most, per month'), 'fields shown');
    return el;
  }

  async function type(input: HTMLInputElement, value: string): Promise<void> {
    input.focus();
    input.select();
    await sendKeys({ press: 'Backspace' });
    if (value) await sendKeys({ type: value });
  }

  it('is off by default, and cannot be switched on without a saved card', async () => {
    const client = connect();
    const el = await mount(client);
    const toggle = getByRole(el, 'switch', 'Refill automatically');
    expect(toggle.getAttribute('aria-checked')).to.equal('false');
    expect(toggle.getAttribute('aria-disabled')).to.equal('true');
    expect(descriptionOf(toggle)).to.equal('Make one purchase first to save a payment method.');
    await expect(el).shadowDom.to.be.accessible();

    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-checked')).to.equal('false');
    expect(byRole(el, 'spinbutton')).to.equal(null);
    expect((await client.getAutoRefill()).settings.find((s) => s.pool === 'voice')?.enabled).to.equal(false);

    // One completed checkout saves the card; the widget learns it from the purchase event.
    await saveCard(client);
    await waitUntil(() => toggle.getAttribute('aria-disabled') === null, 'switch available', { timeout: 8000 });
    expect(text(el)).not.to.contain('Make one purchase first');
    expect(toggle.getAttribute('aria-checked'), 'still off until the user turns it on').to.equal('false');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('saves a setting within the policy after stating the price and card to be charged', async () => {
    const client = connect();
    const el = await enableWithCard(client);
    expect(getByRole(el, 'switch').getAttribute('aria-checked')).to.equal('true');
    // Only the policy's packs for this pool, with their prices.
    const pack = getByRole<HTMLSelectElement>(el, 'combobox', 'Buy');
    expect([...pack.options].map((o) => norm(o.textContent))).to.deep.equal(['500 credits ($110.00)']);
    const threshold = getByRole<HTMLInputElement>(el, 'spinbutton', 'When credits drop below');
    expect(threshold.value).to.equal('80'); // starts at the pool's low-balance threshold
    const max = getByRole<HTMLInputElement>(el, 'spinbutton', 'At most, per month');
    expect(descriptionOf(max)).to.equal('Your provider allows 1 to 3 refills a month.');
    await type(threshold, '120');
    await type(max, '2');

    const save = getByRole(el, 'button', 'Save');
    expect(descriptionOf(save)).to.contain(
      'We will charge $110.00 to Visa ending in 4242 each time, up to 2 times a month.',
    );
    expect(descriptionOf(save)).to.contain('Each refill adds 500 credits.');
    await expect(el).shadowDom.to.be.accessible();

    save.click();
    await waitUntil(() => text(el).includes('Auto-refill settings saved.'), 'saved', { timeout: 8000 });
    expect(norm(getByRole(el, 'status').textContent)).to.equal('Auto-refill settings saved.');
    const stored = (await client.getAutoRefill()).settings.find((s) => s.pool === 'voice');
    expect(stored).to.deep.equal({
      pool: 'voice',
      enabled: true,
      threshold: 120_000,
      packId: 'pack_voice_500',
      maxPerMonth: 2,
    });
    expect(text(el)).to.contain('0 of 2 refills used this month.');
    await expect(el).shadowDom.to.be.accessible();

    // And off again: the switch alone, saved.
    getByRole(el, 'switch').click();
    await el.updateComplete;
    expect(byRole(el, 'spinbutton')).to.equal(null);
    getByRole(el, 'button', 'Save').click();
    await waitUntil(() => text(el).includes('Auto-refill settings saved.'), 'saved off', { timeout: 8000 });
    expect((await client.getAutoRefill()).settings.find((s) => s.pool === 'voice')?.enabled).to.equal(false);
  });

  it('refuses values outside the policy inline, without saving', async () => {
    const client = connect();
    const el = await enableWithCard(client);
    const threshold = getByRole<HTMLInputElement>(el, 'spinbutton', 'When credits drop below');
    const max = getByRole<HTMLInputElement>(el, 'spinbutton', 'At most, per month');
    await type(threshold, '0');
    await type(max, '5');
    expect(
      getByRole(el, 'button', 'Save').getAttribute('aria-describedby'),
      'no charge stated for an invalid limit',
    ).to.equal(null);
    getByRole(el, 'button', 'Save').click();
    await waitUntil(() => max.getAttribute('aria-invalid') === 'true', 'max flagged');
    expect(threshold.getAttribute('aria-invalid')).to.equal('true');
    expect(descriptionOf(threshold)).to.equal('Enter a whole number of credits from 1 to 1,000,000.');
    expect(descriptionOf(max)).to.equal(
      'Your provider allows 1 to 3 refills a month. Choose from 1 to 3 refills a month.',
    );
    expect(focused(el), 'focus on the first invalid field').to.equal(threshold);
    expect(text(el)).not.to.contain('saved');
    expect((await client.getAutoRefill()).settings.find((s) => s.pool === 'voice')?.enabled).to.equal(false);
    await expect(el).shadowDom.to.be.accessible();

    // Fixing a value clears its error as you type.
    await type(max, '3');
    expect(max.getAttribute('aria-invalid')).to.equal('false');
    expect(descriptionOf(max)).to.equal('Your provider allows 1 to 3 refills a month.');
  });

  it("shows the platform's refusal when the agency's policy changed meanwhile", async () => {
    const client = connect();
    const el = await enableWithCard(client);
    await mock.sim.engine.updateAgency('ag_brightwave', {
      autoRefillPolicy: { allowed: true, packIds: ['pack_voice_1000'], maxPerMonth: 3 },
    });
    getByRole(el, 'button', 'Save').click();
    await waitUntil(() => byRole(el, 'alert'), 'refusal shown', { timeout: 8000 });
    expect(norm(getByRole(el, 'alert').textContent)).to.contain(
      'Your provider does not allow these auto-refill settings.',
    );
    expect(text(el)).not.to.contain('settings saved');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('can be set up with the keyboard alone', async () => {
    const client = connect();
    await saveCard(client);
    const el = await mount(client);
    const toggle = getByRole(el, 'switch');
    toggle.focus();
    await sendKeys({ press: ' ' });
    await waitUntil(() => toggle.getAttribute('aria-checked') === 'true', 'switched on');
    await sendKeys({ press: 'Tab' });
    expect(focusedName(el)).to.equal('When credits drop below');
    await sendKeys({ type: '250' });
    await sendKeys({ press: 'Tab' });
    expect(focusedName(el)).to.equal('Buy');
    await sendKeys({ press: 'Tab' });
    expect(focusedName(el)).to.equal('At most, per month');
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ type: '3' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => text(el).includes('Auto-refill settings saved.'), 'saved', { timeout: 8000 });
    const stored = (await client.getAutoRefill()).settings.find((s) => s.pool === 'voice');
    expect(stored).to.deep.equal({
      pool: 'voice',
      enabled: true,
      threshold: 250_000,
      packId: 'pack_voice_500',
      maxPerMonth: 3,
    });
  });

  it('explains that auto-refill is not offered under external billing, with no controls', async () => {
    const el = await mount(connect('external'));
    expect(text(el)).to.contain('Your provider does not offer auto-refill.');
    expect(byRole(el, 'switch')).to.equal(null);
    expect(byRole(el, 'button')).to.equal(null);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('shows a localized error with a retry when saving fails (THREATS 27)', async () => {
    const client = connect('healthy', { retries: 0 });
    const el = await enableWithCard(client);
    const errors: Event[] = [];
    el.addEventListener('ck-error', (e) => errors.push(e));
    mock.sim.chaos.script = [{ path: '/v1/auto-refill', kind: 503 }];
    getByRole(el, 'button', 'Save').click();
    await waitUntil(() => byRole(el, 'alert'), 'error shown', { timeout: 8000 });
    expect(norm(getByRole(el, 'alert').textContent)).to.contain('The server had a problem. Please try again.');
    expect(errors.length).to.equal(1);
    expect(text(el)).not.to.contain('settings saved');
    await expect(el).shadowDom.to.be.accessible();
    getByRole(el, 'button', 'Try again').click();
    await waitUntil(() => text(el).includes('Auto-refill settings saved.'), 'saved on retry', { timeout: 8000 });
    expect(byRole(el, 'alert')).to.equal(null);
    expect((await client.getAutoRefill()).settings.find((s) => s.pool === 'voice')?.enabled).to.equal(true);
  });

  it('shows a loading skeleton, then the settings', async () => {
    mock.sim.chaos.latencyMs = 300;
    const client = connect();
    const host = await fixture(html`<ck-provider .client=${client}><ck-auto-refill></ck-auto-refill></ck-provider>`);
    const el = host.querySelector('ck-auto-refill') as CkAutoRefill;
    expect(shadow(el).querySelector('[aria-busy=true]')).not.to.equal(null);
    await expect(el).shadowDom.to.be.accessible();
    await waitUntil(() => byRole(el, 'switch'), 'loaded', { timeout: 8000 });
  });

  it('says it cannot sign in when the session endpoint refuses (THREATS 3)', async () => {
    const client = createClient({
      apiBase: mock.api,
      fetchSessionToken: () => Promise.reject(Object.assign(new Error('refused'), { status: 401 })),
    });
    clients.push(client);
    const el = await mount(client);
    await waitUntil(() => byRole(el, 'alert'), 'signed-out state', { timeout: 8000 });
    expect(norm(getByRole(el, 'alert').textContent)).to.contain("We can't sign you in right now.");
    await expect(el).shadowDom.to.be.accessible();
  });

  it('says it is not set up when the provider is misconfigured (THREATS 2)', async () => {
    const error = console.error;
    console.error = () => {};
    try {
      const host = await fixture(
        html`<ck-provider api-base="ftp://nope" session-endpoint="/session"><ck-auto-refill></ck-auto-refill></ck-provider>`,
      );
      const el = host.querySelector('ck-auto-refill') as CkAutoRefill;
      await waitUntil(() => byRole(el, 'alert'), 'unconfigured');
      expect(norm(getByRole(el, 'alert').textContent)).to.equal('This widget is not set up correctly.');
      await expect(el).shadowDom.to.be.accessible();
    } finally {
      console.error = error;
    }
  });
});

// Money operations: THREATS 9, 10, 11, plus the purchase flow, plan changes, auto-refill, credit
// requests, ledger and usage paging.

import type { Purchase } from '@creditkit/contract';
import { expect } from '@open-wc/testing';
import type { CreditkitError } from '../src/index.js';
import { API, cleanup, secondClient, setup, startWorker, until } from './helpers.js';

/** The user pays (or not) in the checkout window: the test does what that page's form would. */
async function completeCheckout(purchase: Purchase, action: 'pay' | 'fail' | 'cancel'): Promise<void> {
  const url = new URL(purchase.checkoutUrl as string);
  const response = await fetch(`${url.origin}${url.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: url.searchParams.get('token'), action }),
  });
  expect(response.status).to.equal(200);
}

describe('sdk: money', () => {
  before(startWorker);
  afterEach(cleanup);

  it('THREATS 9: a double click, Enter + click, or two tabs make one purchase', async () => {
    const fixture = await setup();
    const { client, count } = fixture;
    const quote = await client.quote({ pool: 'voice', packId: 'pack_voice_100' });
    const [a, b] = await Promise.all([client.purchase(quote), client.purchase(quote.id)]);
    const c = await client.purchase(quote);
    expect(b.id).to.equal(a.id);
    expect(c.id).to.equal(a.id);
    expect(count('POST /v1/purchases')).to.equal(1);

    // Another tab paying the same quote: the server lets only one purchase happen.
    const other = secondClient(fixture);
    const error = (await other.purchase(quote).catch((e) => e)) as CreditkitError;
    expect(error.code).to.equal('quote_used');
    expect(error.status).to.equal(409);
  });

  it('THREATS 10: the network drops after the server created the checkout → the retry with the same key gets the same purchase', async () => {
    let dropped: Purchase | undefined;
    let drops = 1;
    const { client, calls } = await setup({
      intercept: (next) => async (input, init) => {
        const response = await next(input, init);
        if (String(input).endsWith('/v1/purchases') && drops > 0) {
          drops--;
          dropped = (await response.json()) as Purchase; // the server made it; the browser never hears back
          throw new TypeError('Failed to fetch');
        }
        return response;
      },
    });
    const quote = await client.quote({ pool: 'voice', packId: 'pack_voice_100' });
    const purchase = await client.purchase(quote);
    const posts = calls.filter((c) => c.path === '/v1/purchases');
    expect(posts).to.have.length(2);
    expect(posts[0]?.headers.get('idempotency-key')).to.equal(posts[1]?.headers.get('idempotency-key'));
    expect(purchase.id).to.equal(dropped?.id);

    // Retries exhausted: the user tries again later; the same intent reuses its key.
    drops = 10;
    const quote2 = await client.quote({ pool: 'voice', packId: 'pack_voice_500' });
    const failed = (await client.purchase(quote2).catch((e) => e)) as CreditkitError;
    expect(failed.code).to.equal('network');
    const firstCreated = dropped?.id;
    drops = 0;
    const retried = await client.purchase(quote2);
    expect(retried.id).to.equal(firstCreated);
    const keys = new Set(
      calls
        .filter((c) => c.path === '/v1/purchases')
        .slice(2)
        .map((c) => c.headers.get('idempotency-key')),
    );
    expect(keys.size).to.equal(1);
  });

  it('THREATS 11: the same key with another body → idempotency_key_mismatch, not retried; concurrent same key → one purchase', async () => {
    const fixture = await setup();
    const { client, count } = fixture;
    const q1 = await client.quote({ pool: 'voice', packId: 'pack_voice_100' });
    const q2 = await client.quote({ pool: 'voice', packId: 'pack_voice_500' });
    await client.purchase(q1, { idempotencyKey: 'intent-key-0001' });
    const error = (await client.purchase(q2, { idempotencyKey: 'intent-key-0001' }).catch((e) => e)) as CreditkitError;
    expect(error.code).to.equal('idempotency_key_mismatch');
    expect(error.status).to.equal(422);
    expect(count('POST /v1/purchases')).to.equal(2); // one each: a 422 is not retried

    const q3 = await client.quote({ pool: 'voice', packId: 'pack_voice_100' });
    const other = secondClient(fixture);
    const results = await Promise.allSettled([
      client.purchase(q3, { idempotencyKey: 'intent-key-0002' }),
      other.purchase(q3, { idempotencyKey: 'intent-key-0002' }),
    ]);
    const ok = results
      .filter((r): r is PromiseFulfilledResult<Purchase> => r.status === 'fulfilled')
      .map((r) => r.value.id);
    const failed = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => (r.reason as CreditkitError).code);
    expect(new Set(ok).size).to.equal(1); // replayed, never two purchases
    for (const code of failed) expect(code).to.equal('idempotency_key_in_use');
  });

  it('purchase flow: credits appear only once the server grants them (checkout in a popup, confirmed by the stream)', async () => {
    const { client } = await setup();
    client.connect();
    await until(() => client.$connection.get() === 'live', 'live');
    const before = client.$balances.voice.get()?.available as number;
    const quote = await client.quote({ pool: 'voice', packId: 'pack_voice_100' });
    expect(quote.amount).to.deep.equal({ amount: 2500, currency: 'USD' });
    const purchase = await client.purchase(quote);
    expect(purchase.checkoutUrl).to.match(new RegExp(`^${API}/v1/test-checkout/`));
    const waiting = client.waitForPurchase(purchase.id, { pollMs: 5000 });
    expect(client.$balances.voice.get()?.available).to.equal(before);

    await completeCheckout(purchase, 'pay');
    const done = await waiting;
    expect(done.status).to.equal('succeeded');
    expect(done.granted).to.equal(true);
    expect(client.$balances.voice.get()?.available).to.equal(before + 100_000);
    expect(client.$purchases.get()[purchase.id]?.status).to.equal('succeeded');
  });

  it('purchase flow: a failed or canceled payment grants nothing; confirmed by polling without a stream', async () => {
    const { client, count } = await setup();
    await client.load();
    const before = client.$balances.voice.get()?.available;
    for (const action of ['fail', 'cancel'] as const) {
      const purchase = await client.purchase(await client.quote({ pool: 'voice', packId: 'pack_voice_100' }));
      const waiting = client.waitForPurchase(purchase.id, { pollMs: 50 });
      await completeCheckout(purchase, action);
      const done = await waiting;
      expect(done.status).to.equal(action === 'fail' ? 'failed' : 'canceled');
      expect(done.granted).to.equal(false);
    }
    expect(count('GET /v1/purchases/')).to.be.greaterThan(1);
    await client.refresh();
    expect(client.$balances.voice.get()?.available).to.equal(before);
  });

  it('openCheckout follows only https checkout URLs, into a window the caller opened', async () => {
    const { client } = await setup();
    const purchase = await client.purchase(await client.quote({ pool: 'voice', packId: 'pack_voice_100' }));
    const fakeWindow = { location: { href: 'about:blank' } } as unknown as Window;
    expect(client.openCheckout(purchase, fakeWindow)).to.equal(fakeWindow);
    expect(fakeWindow.location.href).to.equal(purchase.checkoutUrl);
    for (const checkoutUrl of [
      'javascript:alert(1)',
      'http://evil.example/pay',
      'data:text/html,x',
      '//evil.example',
      null,
    ]) {
      expect(() => client.openCheckout({ ...purchase, checkoutUrl }, fakeWindow))
        .to.throw()
        .with.property('code', 'protocol');
    }
  });

  it('changePlan switches plan and rate card once, however often it is called', async () => {
    const { client, count } = await setup();
    await client.load();
    expect(client.$currentPlan.get()?.id).to.equal('plan_growth');
    const [a, b] = await Promise.all([client.changePlan('plan_scale'), client.changePlan('plan_scale')]);
    expect(a.id).to.equal(b.id);
    expect(count('POST /v1/plan-changes')).to.equal(1);
    expect(client.$currentPlanId.get()).to.equal('plan_scale');
    expect(client.$rateCard.get()?.voice.deepgram).to.equal(800);
    const again = (await client.changePlan('plan_scale').catch((e) => e)) as CreditkitError;
    expect(again.code).to.equal('plan_unchanged');
  });

  it('auto-refill: read and set within the agency policy', async () => {
    const { client } = await setup();
    const initial = await client.getAutoRefill();
    expect(initial.settings.every((s) => !s.enabled)).to.equal(true); // opt-in only
    const updated = await client.setAutoRefill({
      pool: 'voice',
      enabled: true,
      threshold: 50_000,
      packId: 'pack_voice_500',
      maxPerMonth: 2,
    });
    expect(updated.settings.find((s) => s.pool === 'voice')?.enabled).to.equal(true);
    expect(client.$autoRefill.get()).to.deep.equal(updated);
    const refused = (await client
      .setAutoRefill({ pool: 'voice', enabled: true, threshold: 1, packId: 'pack_voice_100', maxPerMonth: 1 })
      .catch((e) => e)) as CreditkitError;
    expect(refused.code).to.be.a('string');
    expect(refused.status).to.be.within(400, 499);
  });

  it('auto-refill: a checkout that succeeds re-reads the settings, so the saved payment method shows', async () => {
    const { client, count } = await setup();
    client.connect();
    await until(() => client.$connection.get() === 'live', 'live');
    expect(client.$autoRefill.get()?.paymentMethod).to.equal(null);
    const purchase = await client.purchase(await client.quote({ pool: 'voice', packId: 'pack_voice_100' }));
    await completeCheckout(purchase, 'pay');
    await until(() => client.$autoRefill.get()?.paymentMethod !== null, 'the payment method');
    expect(client.$autoRefill.get()?.paymentMethod).to.deep.equal({ brand: 'visa', last4: '4242' });
    await client.waitForPurchase(purchase.id); // seen again (poll or event): no second read
    expect(count('GET /v1/auto-refill')).to.equal(1);
  });

  it('requestCredits in external billing mode; refused in in-app mode', async () => {
    const { client } = await setup({ scenario: 'external' });
    await client.load();
    expect(client.$billingMode.get()).to.equal('external');
    const [a, b] = await Promise.all([
      client.requestCredits({ pool: 'voice', credits: 100_000, message: 'Busy month' }),
      client.requestCredits({ pool: 'voice', credits: 100_000, message: 'Busy month' }),
    ]);
    expect(a.id).to.equal(b.id);
    expect(a.status).to.equal('open');
    const inApp = (await setup()).client;
    const error = (await inApp.requestCredits({ pool: 'voice', credits: 100_000 }).catch((e) => e)) as CreditkitError;
    expect(error.code).to.equal('billing_mode_in_app');
  });

  it('ledger and usage paging', async () => {
    const { client } = await setup();
    const first = await client.ledger({ limit: 3 });
    expect(first.entries).to.have.length(3);
    expect(first.nextCursor).to.be.a('string');
    const second = await client.ledger({ limit: 3, cursor: first.nextCursor as string });
    expect(second.entries.length).to.be.greaterThan(0);
    const seqs = [...first.entries, ...second.entries].map((e) => e.seq);
    expect(seqs).to.deep.equal([...seqs].sort((x, y) => y - x)); // newest first, no overlap
    expect(new Set(seqs).size).to.equal(seqs.length);
    const voiceOnly = await client.ledger({ pool: 'voice', limit: 50 });
    expect(voiceOnly.entries.every((e) => e.pool === 'voice')).to.equal(true);

    const today = new Date(client.serverNow()).toISOString().slice(0, 10);
    const weekAgo = new Date(client.serverNow() - 6 * 86_400_000).toISOString().slice(0, 10);
    const usage = await client.usage({ pool: 'voice', from: weekAgo, to: today });
    expect(usage.buckets).to.have.length(7);
    expect(usage.buckets.reduce((sum, b) => sum + b.credits, 0)).to.be.greaterThan(0);
  });
});

// Stripe payments end to end: the official client creates Checkout Sessions on a local fake API,
// webhooks are signed with the library's test helper and posted to the server. No network.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PLANS } from '@creditkit/mock/node';
import {
  type CreatedSession,
  type Delivery,
  refundEvent,
  sessionEvent,
  sign,
  WEBHOOK_SECRET,
} from '../helpers/fake-stripe.js';
import { balances, call, createAgency, entries, ORIGIN, type Target, type TestAgency, uid } from '../helpers/target.js';

interface Bought {
  agency: TestAgency;
  sub: string;
  token: string;
  purchaseId: string;
  session: CreatedSession;
}

export function stripeScenarios(target: () => Target): void {
  const server = () => target().stripe;
  const url = () => target().stripe.url;

  const post = (d: Delivery, signature: string | null = d.signature) =>
    call(url(), 'POST', '/v1/webhooks/stripe', {
      raw: d.body,
      headers: signature === null ? {} : { 'stripe-signature': signature },
    });

  /** An agency on connected account `acct`, a client, and a purchase with an open Checkout Session. */
  async function buy(options: { sms0?: boolean; pack?: string } = {}): Promise<Bought> {
    const agency = await createAgency(
      server(),
      options.sms0 ? { plans: [{ ...PLANS[0]!, included: { voice: 0, sms: 0 } }] } : {},
    );
    const acct = `acct_${uid()}`;
    await server().accounts.set({ agencyId: agency.id, accountId: acct, livemode: false });
    const sub = await agency.subAccount();
    const token = await agency.session(sub);
    const quote = await call(url(), 'POST', '/v1/quotes', {
      token,
      body: { pool: options.pack?.includes('sms') ? 'sms' : 'voice', packId: options.pack ?? 'pack_voice_100' },
    });
    const purchase = await call(url(), 'POST', '/v1/purchases', {
      token,
      key: `k-${uid()}`,
      body: { quoteId: quote.body.id, returnUrl: `${ORIGIN}/billing` },
    });
    assert.equal(purchase.status, 201, JSON.stringify(purchase.body));
    const session = target().fakeStripe.sessions.find((s) => s.purchaseId === purchase.body.id);
    assert.ok(session, 'a checkout session was created at (fake) Stripe');
    assert.equal(purchase.body.checkoutUrl, `https://checkout.stripe.com/c/pay/${session.id}`);
    return { agency, sub, token, purchaseId: purchase.body.id, session };
  }

  const grants = async (b: Bought) =>
    (await entries(server(), b.sub)).filter((e) => e.purchaseId === b.purchaseId && e.kind === 'purchase');
  const status = async (b: Bought) =>
    (await call(url(), 'GET', `/v1/purchases/${b.purchaseId}`, { token: b.token })).body.status;

  describe('stripe gateway', () => {
    test('a Checkout Session on the agency’s connected account, for the quote’s amount', async () => {
      const b = await buy();
      const account = server().accounts.get(b.agency.id);
      assert.equal(b.session.account, account?.accountId);
      assert.equal(b.session.amount, 2500);
      assert.equal(b.session.currency, 'usd');
      assert.equal(b.session.clientReferenceId, b.purchaseId);
      assert.equal(b.session.idempotencyKey, `creditkit-checkout-${b.purchaseId}`);
      assert.ok(b.session.successUrl.startsWith(`${ORIGIN}/billing?`));
      assert.deepEqual(target().fakeStripe.unexpected, []);
      // No test-mode checkout next to a real gateway: it would grant without payment.
      assert.equal((await call(url(), 'GET', `/v1/test-checkout/${b.purchaseId}?token=x`)).status, 404);
    });

    test('webhook 3× duplicated, reordered and in parallel, plus status reads → one grant (THREATS 12)', async () => {
      const b = await buy();
      const before = await balances(server(), b.token);
      const completed = sign(sessionEvent(b.session));
      const asyncOk = sign(sessionEvent(b.session, { type: 'checkout.session.async_payment_succeeded' }));
      const expired = sign(sessionEvent(b.session, { type: 'checkout.session.expired' }));
      const replies = await Promise.all([
        post(expired),
        post(completed),
        call(url(), 'GET', `/v1/purchases/${b.purchaseId}`, { token: b.token }),
        post(asyncOk),
        post(completed),
        post(completed),
        post(sign(sessionEvent(b.session))),
      ]);
      for (const r of replies) assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal((await grants(b)).length, 1);
      const after = await balances(server(), b.token);
      assert.equal(after.voice.purchased.remaining - before.voice.purchased.remaining, 100_000);
      assert.equal(await status(b), 'succeeded');
      // Late duplicates and a late failure change nothing.
      await post(completed);
      await post(
        sign(sessionEvent(b.session, { type: 'checkout.session.async_payment_failed', paymentStatus: 'unpaid' })),
      );
      assert.equal((await grants(b)).length, 1);
      assert.equal(await status(b), 'succeeded');
    });

    test('bad, missing, stale or future signatures → 400 and no side effect (THREATS 14)', async () => {
      const b = await buy();
      const event = sessionEvent(b.session);
      const now = Math.floor(Date.now() / 1000);
      const good = sign(event);
      const cases: [string, Delivery, string | null][] = [
        ['missing', good, null],
        ['garbage', good, 'garbage'],
        ['wrong secret', sign(event, { secret: 'whsec_wrong' }), undefined as never],
        ['stale (301 s old)', sign(event, { timestamp: now - 301 }), undefined as never],
        ['future (301 s ahead)', sign(event, { timestamp: now + 301 }), undefined as never],
        [
          'tampered body',
          { body: good.body.replace('"paid"', '"paid" '), signature: good.signature },
          undefined as never,
        ],
        [
          'signature of another body',
          { body: JSON.stringify(sessionEvent(b.session, { amount: 1 })), signature: good.signature },
          undefined as never,
        ],
      ];
      for (const [name, delivery, header] of cases) {
        const r = await post(delivery, header === undefined ? delivery.signature : header);
        assert.equal(r.status, 400, name);
        assert.equal(r.body.error.code, 'invalid_request', name);
      }
      assert.equal((await grants(b)).length, 0);
      assert.equal(await status(b), 'requires_payment');
      // Within the window either way is fine.
      assert.equal((await post(sign(event, { timestamp: now - 290 }))).status, 200);
      assert.equal((await grants(b)).length, 1);
      assert.ok(WEBHOOK_SECRET.startsWith('whsec_'));
    });

    test('wrong amount, currency, account or livemode, or unpaid → no grant (THREATS 13)', async () => {
      const b = await buy();
      const wrong = [
        sessionEvent(b.session, { amount: b.session.amount - 1 }),
        sessionEvent(b.session, { amount: b.session.amount * 10 }),
        sessionEvent(b.session, { currency: 'eur' }),
        sessionEvent(b.session, { account: 'acct_someoneelse' }),
        sessionEvent(b.session, { account: null }),
        sessionEvent(b.session, { livemode: true }),
        sessionEvent(b.session, { paymentStatus: 'no_payment_required', amount: 0 }),
        sessionEvent({ ...b.session, id: 'cs_test_other' }),
      ];
      for (const event of wrong.slice(0, -1)) {
        const r = await post(sign(event));
        assert.equal(r.status, 200);
        assert.equal(r.body.result, 'ignored', JSON.stringify(event));
      }
      assert.equal((await grants(b)).length, 0);
      assert.equal(await status(b), 'requires_payment');
      // Unpaid (an async method still settling) → processing, no credits yet.
      assert.equal((await post(sign(sessionEvent(b.session, { paymentStatus: 'unpaid' })))).status, 200);
      assert.equal(await status(b), 'processing');
      assert.equal((await grants(b)).length, 0);
      // Another checkout session naming this purchase is refused once this one owns it.
      const other = await post(sign(wrong.at(-1) as object));
      assert.equal(other.body.result, 'ignored');
      assert.equal(other.body.reason, 'other_checkout_session');
      assert.equal((await grants(b)).length, 0);
    });

    test('async payment: completed unpaid → processing; async success grants; async failure fails', async () => {
      const b = await buy();
      await post(sign(sessionEvent(b.session, { paymentStatus: 'unpaid' })));
      assert.equal(await status(b), 'processing');
      await post(sign(sessionEvent(b.session, { type: 'checkout.session.async_payment_succeeded' })));
      assert.equal(await status(b), 'succeeded');
      assert.equal((await grants(b)).length, 1);
      const c = await buy();
      await post(sign(sessionEvent(c.session, { paymentStatus: 'unpaid' })));
      await post(
        sign(sessionEvent(c.session, { type: 'checkout.session.async_payment_failed', paymentStatus: 'unpaid' })),
      );
      assert.equal(await status(c), 'failed');
      assert.equal((await grants(c)).length, 0);
    });

    test('charge.refunded after the credits were spent → one reversing entry; spending blocked (THREATS 18)', async () => {
      const b = await buy({ sms0: true, pack: 'pack_sms_50' });
      // Refund before the payment is confirmed here: deferred (409), so Stripe redelivers it later.
      const early = await post(sign(refundEvent(b.session, { withMetadata: true })));
      assert.equal(early.status, 409);
      await post(sign(sessionEvent(b.session)));
      const spend = await b.agency.api('POST', '/v1/usage-events', {
        body: { id: `u-${uid()}`, subAccountId: b.sub, pool: 'sms', count: 250, country: 'US' },
      });
      assert.equal(spend.status, 200);
      const before = await entries(server(), b.sub);
      assert.equal((await post(sign(refundEvent(b.session, { refunded: false })))).body.reason, 'partial_refund');
      assert.equal(
        (await post(sign(refundEvent(b.session, { account: 'acct_other' })))).body.reason,
        'account_mismatch',
      );
      const refunds = await Promise.all([post(sign(refundEvent(b.session))), post(sign(refundEvent(b.session)))]);
      for (const r of refunds) assert.equal(r.status, 200);
      const after = await entries(server(), b.sub);
      assert.deepEqual(after.slice(0, before.length), before);
      const reversals = after.filter((e) => e.kind === 'refund');
      assert.equal(reversals.length, 1);
      assert.deepEqual(reversals[0]?.delta, { included: 0, purchased: -50_000 });
      const blocked = await b.agency.api('POST', '/v1/usage-events', {
        body: { id: `u-${uid()}`, subAccountId: b.sub, pool: 'sms', count: 1, country: 'US' },
      });
      assert.equal(blocked.status, 402);
    });

    test('events that are not ours, or not handled, are acknowledged and ignored', async () => {
      const r = await post(
        sign({ id: 'evt_x', object: 'event', type: 'customer.created', livemode: false, data: { object: {} } }),
      );
      assert.equal(r.status, 200);
      assert.equal(r.body.result, 'ignored');
    });
  });
}

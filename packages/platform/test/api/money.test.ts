// Money over HTTP: quotes, purchases, idempotency, the test checkout and the gateway's confirmation,
// driven only through Requests to the simulator's Fetch handler (THREATS 5, 7–13, 25).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Purchase, Quote } from '@creditkit/contract';
import {
  API,
  api,
  assertError,
  balances,
  buy,
  CREDIT,
  checkout,
  checkoutToken,
  entriesOf,
  MINUTE,
  newKey,
  quote,
  send,
  snapshot,
  token,
  unchanged,
  type World,
  world,
} from './http.js';

async function purchasesOf(w: World, accountId: string) {
  const ids = await w.sim.engine.store.ids('purchases');
  const all = await w.sim.engine.store.transaction(async (tx) => Promise.all(ids.map((id) => tx.get('purchases', id))));
  return all.filter((p) => p?.accountId === accountId);
}

async function purchaseEntries(w: World, accountId: string, purchaseId: string) {
  return (await entriesOf(w.sim, accountId)).filter((e) => e.kind === 'purchase' && e.purchaseId === purchaseId);
}

/** A fresh purchase of the 100-credit voice pack, ready to pay. */
async function newPurchase(w: World, tok: string): Promise<{ q: Quote; p: Purchase }> {
  const q = await quote(w.sim, tok);
  const r = await buy(w.sim, tok, q.id);
  assert.equal(r.status, 201, r.text);
  return { q, p: r.body };
}

describe('money over HTTP', () => {
  test('THREATS 5: a token for A used on B’s purchase is refused 403 and changes nothing', async () => {
    const w = await world();
    const a = await token(w.sim, 'healthy');
    const b = await token(w.sim, 'low');
    const { p: bPurchase } = await newPurchase(w, b);

    const r = await unchanged(w.sim, () => api.get(w.sim, `/v1/purchases/${bPurchase.id}`, { token: a }));
    assertError(r, 403, 'forbidden');
    assert.ok(!r.text.includes(bPurchase.checkoutUrl ?? '\u0000'), 'the 403 leaks B’s checkout');

    // B itself can read it; an id that exists nowhere is a 404.
    const own = await api.get(w.sim, `/v1/purchases/${bPurchase.id}`, { token: b });
    assert.equal(own.status, 200);
    assert.equal(own.body.id, bPurchase.id);
    assertError(await api.get(w.sim, '/v1/purchases/pur_doesnotexist', { token: a }), 404, 'not_found');

    // A cannot pay B’s quote either (it is not A’s: quote_not_found, nothing created).
    const bQuote = await quote(w.sim, b);
    assertError(await unchanged(w.sim, () => buy(w.sim, a, bQuote.id)), 404, 'quote_not_found');
    w.assertNoInternalErrors();
  });

  test('THREATS 5: a subAccountId in a widget body is rejected 400; ids and balances come only from the token', async () => {
    const w = await world();
    const a = await token(w.sim, 'healthy');
    const q = await quote(w.sim, a);
    const bodies: [string, string, unknown, boolean][] = [
      ['POST', '/v1/quotes', { pool: 'voice', packId: 'pack_voice_100', subAccountId: 'sa_low' }, false],
      ['POST', '/v1/quotes', { pool: 'voice', credits: 60 * CREDIT, subAccountId: 'sa_low' }, false],
      ['POST', '/v1/purchases', { quoteId: q.id, subAccountId: 'sa_low' }, true],
      ['POST', '/v1/plan-changes', { planId: 'plan_scale', subAccountId: 'sa_low' }, true],
      ['POST', '/v1/credit-requests', { pool: 'voice', credits: CREDIT, subAccountId: 'sa_low' }, true],
      [
        'PUT',
        '/v1/auto-refill',
        { pool: 'voice', enabled: false, threshold: 0, packId: null, maxPerMonth: 0, subAccountId: 'sa_low' },
        false,
      ],
    ];
    const sendBody = (method: string, path: string, body: unknown, idempotent: boolean) =>
      send(
        w.sim,
        new Request(`${API}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${a}`,
            'content-type': 'application/json',
            ...(idempotent ? { 'idempotency-key': newKey('sub') } : {}),
          },
          body: JSON.stringify(body),
        }),
      );
    for (const [method, path, body, idempotent] of bodies) {
      const r = await unchanged(w.sim, () => sendBody(method, path, body, idempotent));
      assertError(r, 400, 'invalid_request');
      // Without the field the same request is accepted: the field alone was the reason.
      const { subAccountId: _dropped, ...clean } = body as Record<string, unknown>;
      const accepted = await sendBody(method, path, clean, idempotent);
      assert.ok(
        accepted.status < 300 || accepted.status === 409,
        `${method} ${path} without subAccountId: ${accepted.text}`,
      );
    }

    // A query string or header naming B is ignored: the balances are A’s.
    const own = await w.sim.engine.getSubAccount('ag_brightwave', 'sa_healthy');
    const other = await w.sim.engine.getSubAccount('ag_brightwave', 'sa_low');
    assert.notEqual(own.balances.voice.available, other.balances.voice.available);
    const viaQuery = await api.get(w.sim, '/v1/balances?subAccountId=sa_low', {
      token: a,
      headers: { 'x-sub-account-id': 'sa_low' },
    });
    assert.equal(viaQuery.status, 200);
    assert.deepEqual(viaQuery.body, own.balances);
    const widget = await api.get(w.sim, '/v1/widget?subAccountId=sa_low', { token: a });
    assert.equal(widget.status, 200);
    assert.equal(widget.body.subAccount.id, 'sa_healthy');
    assert.deepEqual(widget.body.balances, own.balances);

    // A token whose payload was edited to name B fails its signature.
    const [payload, mac] = a.slice(4).split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `cks_${Buffer.from(JSON.stringify({ ...claims, sub: 'sa_low' })).toString('base64url')}.${mac}`;
    assertError(await unchanged(w.sim, () => api.get(w.sim, '/v1/balances', { token: forged })), 401, 'unauthorized');
    w.assertNoInternalErrors();
  });

  test('THREATS 7: a purchase body carrying amount/price/credits is rejected and the charge is the quote’s', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const q = await quote(w.sim, tok);
    assert.equal(q.credits, 100 * CREDIT);
    assert.deepEqual(q.amount, { amount: 2500, currency: 'USD' });

    const tampered = [
      { quoteId: q.id, amount: 1 },
      { quoteId: q.id, amount: { amount: 1, currency: 'USD' } },
      { quoteId: q.id, price: 1 },
      { quoteId: q.id, credits: 1_000_000 * CREDIT },
      { quoteId: q.id, currency: 'EUR' },
      { quoteId: q.id, packId: 'pack_voice_1000' },
    ];
    for (const body of tampered) {
      const r = await unchanged(w.sim, () => api.post(w.sim, '/v1/purchases', { token: tok, key: newKey('t7'), body }));
      assertError(r, 400, 'invalid_request');
    }
    // The same, as a form post.
    const form = await unchanged(w.sim, () =>
      api.post(w.sim, '/v1/purchases', {
        token: tok,
        key: newKey('t7form'),
        raw: new URLSearchParams({ quoteId: q.id, amount: '1' }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
    assertError(form, 400, 'invalid_request');

    // The untampered purchase of that quote charges exactly the quote, and paying grants exactly its credits.
    const before = await balances(w.sim, tok);
    const r = await buy(w.sim, tok, q.id);
    assert.equal(r.status, 201, r.text);
    const p: Purchase = r.body;
    assert.equal(p.quoteId, q.id);
    assert.deepEqual(p.amount, q.amount);
    assert.equal(p.credits, q.credits);
    assert.equal(p.status, 'requires_payment');
    assert.ok(p.checkoutUrl?.startsWith(`${API}/v1/test-checkout/${p.id}?token=`), p.checkoutUrl ?? '');
    const paid = await checkout(w.sim, p, 'pay');
    assert.equal(paid.status, 200, paid.text);
    assert.equal(paid.body.status, 'succeeded');
    assert.deepEqual(paid.body.amount, q.amount);
    const after = await balances(w.sim, tok);
    assert.equal(after.voice.available, before.voice.available + q.credits);
    w.assertNoInternalErrors();
  });

  test('THREATS 7: a quote request carrying a price or amount is rejected 400', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const bad = [
      { pool: 'voice', packId: 'pack_voice_100', price: 1 },
      { pool: 'voice', packId: 'pack_voice_100', amount: { amount: 1, currency: 'USD' } },
      { pool: 'voice', credits: 600 * CREDIT, price: { amount: 1, currency: 'USD' } },
      { pool: 'voice', credits: 600 * CREDIT, unitAmount: 1 },
      { pool: 'voice', credits: 600 * CREDIT, currency: 'EUR' },
      { pool: 'voice', packId: 'pack_voice_100', credits: 600 * CREDIT },
    ];
    for (const body of bad) {
      assertError(
        await unchanged(w.sim, () => api.post(w.sim, '/v1/quotes', { token: tok, body })),
        400,
        'invalid_request',
      );
    }
    // Server prices: the tier price for a custom quantity, refusal for a fraction of a credit.
    const custom = await quote(w.sim, tok, { pool: 'voice', credits: 600 * CREDIT });
    assert.deepEqual(custom.amount, { amount: 600 * 22, currency: 'USD' });
    assertError(
      await unchanged(w.sim, () =>
        api.post(w.sim, '/v1/quotes', { token: tok, body: { pool: 'voice', credits: 600 * CREDIT + 500 } }),
      ),
      422,
      'quantity_out_of_range',
    );
    assertError(
      await unchanged(w.sim, () =>
        api.post(w.sim, '/v1/quotes', { token: tok, body: { pool: 'voice', packId: 'pack_sms_50' } }),
      ),
      404,
      'pack_not_found',
    );
    w.assertNoInternalErrors();
  });

  test('THREATS 8: an expired quote is 410 quote_expired, then a re-quote works', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const fresh = await quote(w.sim, tok);
    const stale = await quote(w.sim, tok);
    assert.equal(Date.parse(stale.expiresAt) - w.clock.now(), 10 * MINUTE);

    w.clock.advance(10 * MINUTE - 1000);
    const ok = await buy(w.sim, tok, fresh.id);
    assert.equal(ok.status, 201, 'a quote is good for 10 minutes');

    w.clock.advance(2000); // 10 min + 1 s after the quote; the 15-minute session is still valid
    const key = newKey('t8');
    const r = await unchanged(w.sim, () => buy(w.sim, tok, stale.id, key));
    assertError(r, 410, 'quote_expired');

    const again = await quote(w.sim, tok);
    const re = await buy(w.sim, tok, again.id, newKey('t8re'));
    assert.equal(re.status, 201, re.text);
    assert.deepEqual(re.body.amount, again.amount);
    w.assertNoInternalErrors();
  });

  test('THREATS 8: an unknown or another account’s quote is quote_not_found; a re-quote works', async () => {
    const w = await world();
    const a = await token(w.sim, 'healthy');
    const b = await token(w.sim, 'low');
    assertError(await unchanged(w.sim, () => buy(w.sim, a, 'qt_doesnotexist')), 404, 'quote_not_found');
    assertError(await unchanged(w.sim, () => buy(w.sim, a, 'not-a-quote-id')), 400, 'invalid_request');
    const foreign = await quote(w.sim, b);
    assertError(await unchanged(w.sim, () => buy(w.sim, a, foreign.id)), 404, 'quote_not_found');
    // B’s quote is still good for B.
    assert.equal((await buy(w.sim, b, foreign.id)).status, 201);
    // A re-quotes and buys.
    const mine = await quote(w.sim, a);
    const r = await buy(w.sim, a, mine.id);
    assert.equal(r.status, 201, r.text);
    w.assertNoInternalErrors();
  });

  test('THREATS 9: a double click (same key, one after the other) makes one purchase and one checkout', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const q = await quote(w.sim, tok);
    const key = newKey('t9');
    const first = await buy(w.sim, tok, q.id, key);
    const second = await buy(w.sim, tok, q.id, key);
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.deepEqual(second.body, first.body);
    assert.equal((await purchasesOf(w, 'sa_healthy')).length, 1);
    w.assertNoInternalErrors();
  });

  test('THREATS 9: two identical purchases in parallel (Promise.all, same key) make one purchase', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const q = await quote(w.sim, tok);
    const key = newKey('t9par');
    const replies = await Promise.all([buy(w.sim, tok, q.id, key), buy(w.sim, tok, q.id, key)]);
    const ok = replies.filter((r) => r.status === 201);
    assert.ok(ok.length >= 1, 'one of them wins');
    for (const r of replies) {
      if (r.status === 201) assert.equal(r.body.id, ok[0]?.body.id);
      else assertError(r, 409, 'idempotency_key_in_use');
    }
    assert.equal(new Set(ok.map((r) => r.body.checkoutUrl)).size, 1, 'one checkout');
    assert.equal((await purchasesOf(w, 'sa_healthy')).length, 1);
    w.assertNoInternalErrors();
  });

  test('THREATS 9: two tabs paying one quote with different keys make one purchase (the other 409 quote_used)', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const q = await quote(w.sim, tok);
    const replies = await Promise.all([buy(w.sim, tok, q.id, newKey('tab1')), buy(w.sim, tok, q.id, newKey('tab2'))]);
    assert.deepEqual(replies.map((r) => r.status).sort(), [201, 409]);
    const loser = replies.find((r) => r.status === 409) as (typeof replies)[number];
    assertError(loser, 409, 'quote_used');
    assert.equal((await purchasesOf(w, 'sa_healthy')).length, 1);
    w.assertNoInternalErrors();
  });

  test('THREATS 10: the network drops after the checkout was created; the retry with the same key returns the same purchase', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const q = await quote(w.sim, tok);
    const key = newKey('t10');
    // The server creates the purchase and its checkout, but the browser never sees the answer.
    const lost = await w.sim.fetch(
      new Request(`${API}/v1/purchases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tok}`, 'idempotency-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ quoteId: q.id }),
      }),
    );
    await lost.body?.cancel();
    const created = await purchasesOf(w, 'sa_healthy');
    assert.equal(created.length, 1);

    const retry = await buy(w.sim, tok, q.id, key);
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.body.id, created[0]?.id);
    assert.equal(retry.body.checkoutUrl, created[0]?.checkoutUrl);

    // Even once the quote has expired, the retry still replays the same purchase (it was made in time).
    w.clock.advance(11 * MINUTE);
    const late = await unchanged(w.sim, () => buy(w.sim, tok, q.id, key));
    assert.equal(late.status, 201, late.text);
    assert.equal(late.body.id, retry.body.id);
    assert.equal(late.body.checkoutUrl, retry.body.checkoutUrl);
    assert.equal((await purchasesOf(w, 'sa_healthy')).length, 1);

    // And that one checkout still pays, once.
    const paid = await checkout(w.sim, retry.body, 'pay');
    assert.equal(paid.body.status, 'succeeded');
    assert.equal((await purchaseEntries(w, 'sa_healthy', retry.body.id)).length, 1);
    w.assertNoInternalErrors();
  });

  test('THREATS 11: the same Idempotency-Key with a different body is 422 idempotency_key_mismatch', async () => {
    const w = await world({ allowedOrigins: ['https://agency.example'] });
    const tok = await token(w.sim);
    const q1 = await quote(w.sim, tok);
    const q2 = await quote(w.sim, tok);
    const key = newKey('t11');
    const first = await buy(w.sim, tok, q1.id, key);
    assert.equal(first.status, 201);

    assertError(await unchanged(w.sim, () => buy(w.sim, tok, q2.id, key)), 422, 'idempotency_key_mismatch');
    assertError(
      await unchanged(w.sim, () => buy(w.sim, tok, q1.id, key, { returnUrl: 'https://agency.example/done' })),
      422,
      'idempotency_key_mismatch',
    );
    // Same body with its keys in another order is the same request: replayed.
    const reordered = await unchanged(w.sim, () =>
      api.post(w.sim, '/v1/purchases', { token: tok, key, raw: `{ "quoteId" : "${q1.id}" }` }),
    );
    assert.equal(reordered.status, 201);
    assert.equal(reordered.body.id, first.body.id);

    // Plan changes and credit requests hold to the same rule.
    const planKey = newKey('t11plan');
    const plan = await api.post(w.sim, '/v1/plan-changes', {
      token: tok,
      key: planKey,
      body: { planId: 'plan_scale' },
    });
    assert.equal(plan.status, 201, plan.text);
    assertError(
      await unchanged(w.sim, () =>
        api.post(w.sim, '/v1/plan-changes', { token: tok, key: planKey, body: { planId: 'plan_starter' } }),
      ),
      422,
      'idempotency_key_mismatch',
    );
    const replay = await unchanged(w.sim, () =>
      api.post(w.sim, '/v1/plan-changes', { token: tok, key: planKey, body: { planId: 'plan_scale' } }),
    );
    assert.deepEqual(replay.body, plan.body);
    w.assertNoInternalErrors();
  });

  test('THREATS 11: concurrent requests with one key: one winner, the others get the replay or 409', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const q = await quote(w.sim, tok);
    const key = newKey('t11par');
    const replies = await Promise.all(Array.from({ length: 6 }, () => buy(w.sim, tok, q.id, key)));
    const winners = new Set<string>();
    for (const r of replies) {
      if (r.status === 201) winners.add(r.body.id);
      else assertError(r, 409, 'idempotency_key_in_use');
    }
    assert.equal(winners.size, 1, 'every success carries the same purchase');
    assert.equal((await purchasesOf(w, 'sa_healthy')).length, 1);
    w.assertNoInternalErrors();
  });

  test('THREATS 11: a missing Idempotency-Key is 400 idempotency_key_required; a malformed one is 400', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const q = await quote(w.sim, tok);
    const noKey = await unchanged(w.sim, () =>
      api.post(w.sim, '/v1/purchases', { token: tok, body: { quoteId: q.id } }),
    );
    assertError(noKey, 400, 'idempotency_key_required');
    for (const path of ['/v1/plan-changes', '/v1/credit-requests']) {
      assertError(
        await unchanged(w.sim, () => api.post(w.sim, path, { token: tok, body: { planId: 'plan_scale' } })),
        400,
        'idempotency_key_required',
      );
    }
    for (const bad of ['short', 'has space inside', 'x'.repeat(256), 'ünïcödé-key-123']) {
      assertError(await unchanged(w.sim, () => buy(w.sim, tok, q.id, bad)), 400, 'invalid_request');
    }
    w.assertNoInternalErrors();
  });

  test('THREATS 11: one key used by two accounts makes two purchases, never a replay of the other’s', async () => {
    const w = await world();
    const a = await token(w.sim, 'healthy');
    const b = await token(w.sim, 'low');
    const key = newKey('shared');
    const qa = await quote(w.sim, a);
    const qb = await quote(w.sim, b);
    const ra = await buy(w.sim, a, qa.id, key);
    const rb = await buy(w.sim, b, qb.id, key);
    assert.equal(ra.status, 201);
    assert.equal(rb.status, 201, rb.text);
    assert.notEqual(ra.body.id, rb.body.id);
    assert.equal(rb.body.quoteId, qb.id);
    w.assertNoInternalErrors();
  });

  for (const order of [
    ['pay', 'pay', 'pay'],
    ['fail', 'pay', 'cancel'],
    ['cancel', 'fail', 'pay', 'pay'],
    ['pay', 'fail', 'cancel', 'pay'],
  ] as const) {
    test(`THREATS 12: confirmations delivered in parallel and out of order (${order.join(', ')}) plus GET grant credits exactly once`, async () => {
      const w = await world();
      const tok = await token(w.sim);
      const before = await balances(w.sim, tok);
      const { q, p } = await newPurchase(w, tok);
      const replies = await Promise.all([
        ...order.map((action) => checkout(w.sim, p, action)),
        api.get(w.sim, `/v1/purchases/${p.id}`, { token: tok }),
        // The checkout page's own form post, as the success page would send it.
        api.post(w.sim, `/v1/test-checkout/${p.id}`, {
          raw: new URLSearchParams({ token: checkoutToken(p.checkoutUrl ?? ''), action: 'pay' }).toString(),
          contentType: 'application/x-www-form-urlencoded',
        }),
      ]);
      for (const r of replies) assert.ok(r.status === 200 || r.status === 303, `${r.status} ${r.text.slice(0, 200)}`);

      const entries = await purchaseEntries(w, 'sa_healthy', p.id);
      assert.equal(entries.length, 1, 'exactly one purchase ledger entry');
      assert.equal(entries[0]?.delta.purchased, q.credits);
      const after = await balances(w.sim, tok);
      assert.equal(after.voice.available, before.voice.available + q.credits);
      assert.equal(after.voice.purchased.remaining, before.voice.purchased.remaining + q.credits);
      const final = await api.get(w.sim, `/v1/purchases/${p.id}`, { token: tok });
      assert.equal(final.body.status, 'succeeded');
      assert.equal(final.body.granted, true);
      assert.equal(final.body.checkoutUrl, null);

      // Three more deliveries, again in parallel, after the grant: nothing at all changes.
      await unchanged(w.sim, () => Promise.all((['pay', 'fail', 'cancel'] as const).map((a) => checkout(w.sim, p, a))));
      w.assertNoInternalErrors();
    });
  }

  test('THREATS 12: a declined payment delivered 3× grants nothing; a later real payment grants once', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const before = await balances(w.sim, tok);
    const { q, p } = await newPurchase(w, tok);
    const declined = await Promise.all([
      checkout(w.sim, p, 'fail'),
      checkout(w.sim, p, 'fail'),
      checkout(w.sim, p, 'fail'),
    ]);
    for (const r of declined) assert.equal(r.body.granted, false);
    assert.equal((await api.get(w.sim, `/v1/purchases/${p.id}`, { token: tok })).body.status, 'failed');
    assert.equal((await purchaseEntries(w, 'sa_healthy', p.id)).length, 0);
    assert.equal((await balances(w.sim, tok)).voice.available, before.voice.available);

    await Promise.all([checkout(w.sim, p, 'pay'), checkout(w.sim, p, 'pay')]);
    assert.equal((await purchaseEntries(w, 'sa_healthy', p.id)).length, 1);
    assert.equal((await balances(w.sim, tok)).voice.available, before.voice.available + q.credits);
    w.assertNoInternalErrors();
  });

  test('THREATS 13: a gateway confirmation with the wrong amount, currency or agency grants nothing', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const { p } = await newPurchase(w, tok);
    const good = { purchaseId: p.id, agencyId: 'ag_brightwave', amount: p.amount, outcome: 'succeeded' as const };
    const wrong = [
      { ...good, amount: { amount: p.amount.amount - 1, currency: 'USD' } },
      { ...good, amount: { amount: 1, currency: 'USD' } },
      { ...good, amount: { amount: p.amount.amount * 100, currency: 'USD' } },
      { ...good, amount: { amount: p.amount.amount, currency: 'EUR' } },
      { ...good, agencyId: 'ag_brightwaveexternal' },
      { ...good, agencyId: 'ag_nobody' },
    ];
    for (const c of wrong) {
      await unchanged(w.sim, () =>
        assert.rejects(w.sim.engine.confirmPayment(c), (e: { code?: string }) => e.code === 'payment_mismatch'),
      );
    }
    await unchanged(w.sim, () =>
      assert.rejects(
        w.sim.engine.confirmPayment({ ...good, purchaseId: 'pur_nothere' }),
        (e: { code?: string }) => e.code === 'not_found',
      ),
    );
    const view = await api.get(w.sim, `/v1/purchases/${p.id}`, { token: tok });
    assert.equal(view.body.status, 'requires_payment');
    assert.equal(view.body.granted, false);
    assert.equal((await purchaseEntries(w, 'sa_healthy', p.id)).length, 0);
    w.assertNoInternalErrors();
  });

  test('THREATS 13: an unpaid confirmation (failed, canceled, processing) grants nothing', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const before = await balances(w.sim, tok);
    for (const outcome of ['processing', 'failed', 'canceled'] as const) {
      const { p } = await newPurchase(w, tok);
      const r = await w.sim.engine.confirmPayment({
        purchaseId: p.id,
        agencyId: 'ag_brightwave',
        amount: p.amount,
        outcome,
      });
      assert.equal(r.status, outcome);
      assert.equal(r.granted, false);
      assert.equal((await purchaseEntries(w, 'sa_healthy', p.id)).length, 0);
    }
    const after = await balances(w.sim, tok);
    assert.equal(after.voice.available, before.voice.available);
    assert.equal(after.voice.purchased.remaining, before.voice.purchased.remaining);
    w.assertNoInternalErrors();
  });

  test('THREATS 13: a checkout token that does not match is 404 and grants nothing', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const { p } = await newPurchase(w, tok);
    const { p: other } = await newPurchase(w, tok);
    const real = checkoutToken(p.checkoutUrl ?? '');
    const wrongTokens = [
      '',
      'wrong',
      checkoutToken(other.checkoutUrl ?? ''),
      `${real}x`,
      real.slice(0, -1),
      real.toUpperCase(),
    ];
    for (const bad of wrongTokens) {
      if (bad === real) continue;
      assertError(await unchanged(w.sim, () => checkout(w.sim, p, 'pay', bad)), 404, 'not_found');
      assertError(
        await unchanged(w.sim, () => api.get(w.sim, `/v1/test-checkout/${p.id}?token=${encodeURIComponent(bad)}`)),
        404,
        'not_found',
      );
    }
    // The right token on the wrong purchase id is refused too.
    assertError(
      await unchanged(w.sim, () => checkout(w.sim, { ...other, checkoutUrl: p.checkoutUrl }, 'pay')),
      404,
      'not_found',
    );
    assertError(await unchanged(w.sim, () => checkout(w.sim, { ...p, id: 'pur_nothere' }, 'pay')), 404, 'not_found');
    // A malformed action never reaches the gateway.
    assertError(
      await unchanged(w.sim, () =>
        api.post(w.sim, `/v1/test-checkout/${p.id}`, { body: { token: real, action: 'refund' } }),
      ),
      400,
      'invalid_request',
    );
    assert.equal((await purchaseEntries(w, 'sa_healthy', p.id)).length, 0);
    // The real token shows the page.
    const page = await api.get(w.sim, `/v1/test-checkout/${p.id}?token=${encodeURIComponent(real)}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.text, /Test checkout/);
    w.assertNoInternalErrors();
  });

  test('THREATS 25: a return URL not on the agency’s registered origins is refused return_url_not_allowed', async () => {
    const w = await world({ allowedOrigins: ['https://agency.example'] });
    const tok = await token(w.sim);
    const q = await quote(w.sim, tok);
    for (const returnUrl of [
      'https://evil.example/done',
      'https://agency.example.evil.example/done',
      'https://evil.example/?next=https://agency.example/',
      'http://agency.example/done',
      'https://agency.example:8443/done',
      'javascript:alert(1)',
      'data:text/html,hi',
      '//evil.example/done',
      '/relative/path',
      '',
    ]) {
      const r = await unchanged(w.sim, () => buy(w.sim, tok, q.id, newKey('t25'), { returnUrl }));
      assertError(r, 400, 'return_url_not_allowed');
    }
    const ok = await buy(w.sim, tok, q.id, newKey('t25ok'), { returnUrl: 'https://agency.example/billing/done?x=1' });
    assert.equal(ok.status, 201, ok.text);
    // The checkout page's form sends the user back there after paying.
    const back = await api.post(w.sim, `/v1/test-checkout/${ok.body.id}`, {
      raw: new URLSearchParams({ token: checkoutToken(ok.body.checkoutUrl), action: 'pay' }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(back.status, 303);
    assert.equal(back.headers.get('location'), 'https://agency.example/billing/done?x=1');
    w.assertNoInternalErrors();
  });

  test('external billing mode: quotes and purchases are refused billing_mode_external; a credit request works', async () => {
    const w = await world();
    const tok = await token(w.sim, 'external');
    const widget = await api.get(w.sim, '/v1/widget', { token: tok });
    assert.equal(widget.body.billingMode, 'external');
    assert.deepEqual(widget.body.customQuantities, []);

    assertError(
      await unchanged(w.sim, () =>
        api.post(w.sim, '/v1/quotes', { token: tok, body: { pool: 'voice', packId: 'pack_voice_100' } }),
      ),
      409,
      'billing_mode_external',
    );
    assertError(
      await unchanged(w.sim, () =>
        api.post(w.sim, '/v1/quotes', { token: tok, body: { pool: 'voice', credits: 100 * CREDIT } }),
      ),
      409,
      'billing_mode_external',
    );
    assertError(await unchanged(w.sim, () => buy(w.sim, tok, 'qt_whatever')), 409, 'billing_mode_external');

    const key = newKey('cr');
    const body = { pool: 'voice', credits: 200 * CREDIT, message: 'Please add 200 credits for March.' };
    const cr = await api.post(w.sim, '/v1/credit-requests', { token: tok, key, body });
    assert.equal(cr.status, 201, cr.text);
    assert.equal(cr.body.status, 'open');
    assert.equal(cr.body.credits, 200 * CREDIT);
    assert.equal(cr.body.pool, 'voice');
    const replay = await unchanged(w.sim, () => api.post(w.sim, '/v1/credit-requests', { token: tok, key, body }));
    assert.deepEqual(replay.body, cr.body);

    // In in-app mode the request path is refused: buy instead.
    const inApp = await token(w.sim, 'healthy');
    assertError(
      await unchanged(w.sim, () => api.post(w.sim, '/v1/credit-requests', { token: inApp, key: newKey('cr2'), body })),
      409,
      'billing_mode_in_app',
    );
    w.assertNoInternalErrors();
  });

  test('rejections leave seq and the ledger as they were (spot check through the API)', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const before = await balances(w.sim, tok);
    const ledgerBefore = await api.get(w.sim, '/v1/ledger?limit=200', { token: tok });
    const snap = await snapshot(w.sim);
    await buy(w.sim, tok, 'qt_doesnotexist');
    await api.post(w.sim, '/v1/quotes', { token: tok, body: { pool: 'voice', packId: 'pack_voice_100', price: 1 } });
    await api.post(w.sim, '/v1/purchases', { token: tok, body: { quoteId: 'qt_x' } });
    assert.deepEqual(await balances(w.sim, tok), before);
    assert.deepEqual((await api.get(w.sim, '/v1/ledger?limit=200', { token: tok })).body, ledgerBefore.body);
    assert.deepEqual(await snapshot(w.sim), snap);
    w.assertNoInternalErrors();
  });
});

// Example-based tests pinning the credit rules of DESIGN.md §2 and the engine-level THREATS.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type {
  AutoRefillSetting,
  Balances,
  Pool,
  PoolStatus,
  StreamEvent,
  UsageEventRequest,
  UsageEventResult,
  VoiceProvider,
} from '@creditkit/contract';
import { QUOTE_TTL_MS } from '../src/engine.js';
import { PlatformError } from '../src/errors.js';
import type { PoolState } from '../src/model.js';
import { poolStatus } from '../src/rules.js';
import { API_ORIGIN, CREDIT, checkoutToken, createWorld, PACKS, PLANS, START, type World } from './fixture.js';

const DAY = 86_400_000;

/** Resolves to the PlatformError code the promise rejects with. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlatformError) return error.code;
    throw error;
  }
  assert.fail('expected a PlatformError');
}

let ids = 0;
const voice = (w: World, sub: string, seconds: number, provider: VoiceProvider = 'deepgram', id = `v${++ids}`) =>
  w.engine.recordUsage(w.agencyId, { id, subAccountId: sub, pool: 'voice', seconds, provider });
const sms = (w: World, sub: string, count: number, country = 'US', id = `s${++ids}`) =>
  w.engine.recordUsage(w.agencyId, { id, subAccountId: sub, pool: 'sms', count, country });

async function status(w: World, sub: string, pool: Pool): Promise<PoolStatus> {
  return (await w.engine.balances(sub))[pool].status;
}

/** Everything a usage event could change: the client record, its ledger, the agency wallet and its ledger. */
async function snapshot(w: World, sub: string) {
  return {
    account: await w.account(sub),
    entries: await w.entries(sub),
    wallet: await w.wallet(),
    walletEntries: await w.entries(w.agencyId),
  };
}

function collect(w: World, sub: string): StreamEvent[] {
  const events: StreamEvent[] = [];
  w.engine.bus.subscribe(sub, (m) => {
    if (m.kind === 'event') events.push(m.event);
  });
  return events;
}

// ---------------------------------------------------------------------------------------------

describe('payments', () => {
  test('THREATS 13: a confirmation with a wrong amount, currency or agency is payment_mismatch and grants nothing', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const purchase = await w.buy(sub, { pool: 'voice', packId: PACKS.voice100.id }, false);
    const before = await snapshot(w, sub);
    const good = {
      purchaseId: purchase.id,
      agencyId: w.agencyId,
      amount: purchase.amount,
      outcome: 'succeeded' as const,
    };
    const bad = [
      { ...good, amount: { ...purchase.amount, amount: purchase.amount.amount - 1 } },
      { ...good, amount: { ...purchase.amount, amount: purchase.amount.amount * 100 } },
      { ...good, amount: { ...purchase.amount, currency: 'EUR' } },
      { ...good, agencyId: 'ag_other' },
    ];
    for (const c of bad) assert.equal(await codeOf(w.engine.confirmPayment(c)), 'payment_mismatch');
    assert.deepEqual(await snapshot(w, sub), before);
    const view = await w.engine.getPurchase(sub, purchase.id);
    assert.equal(view.status, 'requires_payment');
    assert.equal(view.granted, false);

    // The genuine confirmation still grants, once.
    const done = await w.engine.confirmPayment(good);
    assert.equal(done.granted, true);
    assert.equal((await w.account(sub)).pools.voice.purchased, PACKS.voice100.credits);
  });

  test('THREATS 13: an unpaid purchase (failed, canceled, processing) grants nothing', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    for (const action of ['fail', 'cancel'] as const) {
      const p = await w.buy(sub, { pool: 'voice', packId: PACKS.voice100.id }, false);
      const done = await w.engine.completeTestCheckout(p.id, checkoutToken(p), action);
      assert.equal(done.status, action === 'fail' ? 'failed' : 'canceled');
      assert.equal(done.granted, false);
    }
    const p = await w.buy(sub, { pool: 'sms', packId: PACKS.sms50.id }, false);
    const processing = await w.engine.confirmPayment({
      purchaseId: p.id,
      agencyId: w.agencyId,
      amount: p.amount,
      outcome: 'processing',
    });
    assert.equal(processing.status, 'processing');
    const account = await w.account(sub);
    assert.equal(account.pools.voice.purchased, 0);
    assert.equal(account.pools.sms.purchased, 0);
    assert.equal(account.paymentMethod, null);
    assert.equal((await w.entries(sub)).filter((e) => e.kind === 'purchase').length, 0);
  });

  test('THREATS 12: a confirmation delivered 3× in parallel, out of order, plus the success page grants once', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const p = await w.buy(sub, { pool: 'voice', packId: PACKS.voice500.id }, false);
    const confirm = (outcome: 'succeeded' | 'failed') =>
      w.engine.confirmPayment({ purchaseId: p.id, agencyId: w.agencyId, amount: p.amount, outcome });
    const results = await Promise.all([
      confirm('failed'),
      confirm('succeeded'),
      w.engine.completeTestCheckout(p.id, checkoutToken(p), 'pay'),
      confirm('succeeded'),
      confirm('failed'),
    ]);
    assert.ok(results.slice(1).every((r) => r.granted));
    const grants = (await w.entries(sub)).filter((e) => e.purchaseId === p.id);
    assert.deepEqual(
      grants.map((e) => [e.kind, e.delta.purchased]),
      [['purchase', PACKS.voice500.credits]],
    );
    assert.equal((await w.account(sub)).pools.voice.purchased, PACKS.voice500.credits);
    assert.equal((await w.engine.getPurchase(sub, p.id)).status, 'succeeded');
  });

  test('a late success after a failure still grants; a late failure after success changes nothing', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const p = await w.buy(sub, { pool: 'voice', packId: PACKS.voice100.id }, false);
    const c = { purchaseId: p.id, agencyId: w.agencyId, amount: p.amount };
    assert.equal((await w.engine.confirmPayment({ ...c, outcome: 'failed' })).status, 'failed');
    assert.equal((await w.engine.confirmPayment({ ...c, outcome: 'succeeded' })).granted, true);
    const after = await w.engine.confirmPayment({ ...c, outcome: 'canceled' });
    assert.equal(after.status, 'succeeded');
    assert.equal((await w.account(sub)).pools.voice.purchased, PACKS.voice100.credits);
  });

  test('THREATS 9/10: the same Idempotency-Key in parallel or on retry yields one purchase', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const quote = await w.engine.quote(sub, { pool: 'voice', packId: PACKS.voice100.id });
    const attempt = () =>
      w.engine.idempotent(`purchase:${sub}`, 'same-key', { quoteId: quote.id }, (ctx) =>
        w.engine.purchase(ctx, sub, { quoteId: quote.id }, API_ORIGIN),
      );
    const results = await Promise.all([attempt(), attempt(), attempt()]);
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal(results.filter((r) => !r.replayed).length, 1);
    const retry = await attempt();
    assert.equal(retry.replayed, true);
    assert.equal(retry.body.id, results[0]?.body.id);
  });

  test('THREATS 11: the same Idempotency-Key with another body is idempotency_key_mismatch', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const q1 = await w.engine.quote(sub, { pool: 'voice', packId: PACKS.voice100.id });
    const q2 = await w.engine.quote(sub, { pool: 'voice', packId: PACKS.voice500.id });
    const attempt = (quoteId: string) =>
      w.engine.idempotent(`purchase:${sub}`, 'k1', { quoteId }, (ctx) =>
        w.engine.purchase(ctx, sub, { quoteId }, API_ORIGIN),
      );
    await attempt(q1.id);
    assert.equal(await codeOf(attempt(q2.id)), 'idempotency_key_mismatch');
  });
});

describe('quotes and prices', () => {
  test('custom quantity: the whole quantity at the unit price of the highest tier reached', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const price = async (credits: number) =>
      (await w.engine.quote(sub, { pool: 'voice', credits: credits * CREDIT })).amount;
    assert.deepEqual(await price(10), { amount: 250, currency: 'USD' });
    assert.deepEqual(await price(999), { amount: 999 * 25, currency: 'USD' });
    assert.deepEqual(await price(1000), { amount: 1000 * 20, currency: 'USD' });
    assert.deepEqual(await price(10_000), { amount: 10_000 * 20, currency: 'USD' });
    const quote = await w.engine.quote(sub, { pool: 'voice', credits: 250 * CREDIT });
    assert.equal(quote.credits, 250 * CREDIT);
    assert.equal(quote.packId, null);
    for (const credits of [9 * CREDIT, 10_001 * CREDIT, 10 * CREDIT + 500]) {
      assert.equal(await codeOf(w.engine.quote(sub, { pool: 'voice', credits })), 'quantity_out_of_range');
    }
    // No custom quantity is offered for SMS.
    assert.equal(await codeOf(w.engine.quote(sub, { pool: 'sms', credits: 100 * CREDIT })), 'quantity_out_of_range');
    assert.equal(await codeOf(w.engine.quote(sub, { pool: 'sms', packId: PACKS.voice100.id })), 'pack_not_found');
  });

  test('a bought custom quantity grants exactly the quoted credits', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const done = await w.buy(sub, { pool: 'voice', credits: 1234 * CREDIT });
    assert.equal(done.granted, true);
    assert.deepEqual(done.amount, { amount: 1234 * 20, currency: 'USD' });
    assert.equal((await w.account(sub)).pools.voice.purchased, 1234 * CREDIT);
  });

  test('THREATS 8: a quote older than 10 minutes is quote_expired', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const pay = (quoteId: string, key: string) =>
      w.engine.idempotent(`purchase:${sub}`, key, { quoteId }, (ctx) =>
        w.engine.purchase(ctx, sub, { quoteId }, API_ORIGIN),
      );
    const fresh = await w.engine.quote(sub, { pool: 'voice', packId: PACKS.voice100.id });
    assert.equal(Date.parse(fresh.expiresAt), START + QUOTE_TTL_MS);
    w.clock.advance(QUOTE_TTL_MS - 1000);
    assert.equal((await pay(fresh.id, 'a')).body.status, 'requires_payment');

    const stale = await w.engine.quote(sub, { pool: 'voice', packId: PACKS.voice100.id });
    w.clock.advance(QUOTE_TTL_MS + 1);
    assert.equal(await codeOf(pay(stale.id, 'b')), 'quote_expired');
    assert.equal((await w.entries(sub)).filter((e) => e.kind === 'purchase').length, 0);
  });

  test('THREATS 8: an unknown or foreign quote is quote_not_found', async () => {
    const w = await createWorld();
    const a = await w.createSub();
    const b = await w.createSub();
    const quote = await w.engine.quote(a, { pool: 'voice', packId: PACKS.voice100.id });
    const pay = (sub: string, quoteId: string) =>
      w.engine.idempotent(`purchase:${sub}`, 'k', { quoteId }, (ctx) =>
        w.engine.purchase(ctx, sub, { quoteId }, API_ORIGIN),
      );
    assert.equal(await codeOf(pay(b, quote.id)), 'quote_not_found');
    assert.equal(await codeOf(pay(a, 'qt_doesnotexist')), 'quote_not_found');
  });

  test('a quote paid once is quote_used for another purchase', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const quote = await w.engine.quote(sub, { pool: 'voice', packId: PACKS.voice100.id });
    const pay = (key: string) =>
      w.engine.idempotent(`purchase:${sub}`, key, { quoteId: quote.id }, (ctx) =>
        w.engine.purchase(ctx, sub, { quoteId: quote.id }, API_ORIGIN),
      );
    await pay('first');
    assert.equal(await codeOf(pay('second')), 'quote_used');
  });

  test('external billing mode: no quotes, no purchases', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await w.engine.updateAgency(w.agencyId, { billingMode: 'external' });
    assert.equal(
      await codeOf(w.engine.quote(sub, { pool: 'voice', packId: PACKS.voice100.id })),
      'billing_mode_external',
    );
  });
});

describe('usage', () => {
  test('per-second billing: a 2-second call costs 2 seconds, never a minute', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const r = await voice(w, sub, 2, 'deepgram');
    assert.deepEqual(r.charged, { client: 34, agency: 17 }); // ceil(2·1000/60), ceil(2·500/60)
    const e = await voice(w, sub, 61, 'elevenlabs');
    assert.deepEqual(e.charged, { client: 1525, agency: 814 }); // ceil(61·1500/60), ceil(61·800/60)
    const s = await sms(w, sub, 3, 'GB');
    assert.deepEqual(s.charged, { client: 1200, agency: 600 });
    assert.equal(await codeOf(sms(w, sub, 1, 'FR')), 'rate_not_found');
  });

  test('the bootstrap carries what the client was charged for usage in the last 7 days, per pool', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    assert.deepEqual((await w.engine.bootstrap(sub)).recentUsage, { days: 7, voice: 0, sms: 0 });
    const first = await voice(w, sub, 60, 'deepgram');
    w.clock.advance(3 * DAY);
    const text = await sms(w, sub, 2, 'US');
    const second = await voice(w, sub, 2, 'deepgram');
    await w.engine.manualGrant(w.agencyId, sub, { pool: 'voice', credits: 5 * CREDIT }); // not usage: not counted
    const charged = (r: { charged: { client: number } }) => r.charged.client;
    assert.deepEqual((await w.engine.bootstrap(sub)).recentUsage, {
      days: 7,
      voice: charged(first) + charged(second),
      sms: charged(text),
    });
    // Four days later the first call is more than 7 days old.
    w.clock.advance(4 * DAY + 1);
    assert.deepEqual((await w.engine.bootstrap(sub)).recentUsage, {
      days: 7,
      voice: charged(second),
      sms: charged(text),
    });
  });

  test('included credits are consumed first, purchased only after them', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await w.engine.manualGrant(w.agencyId, sub, { pool: 'voice', credits: 50 * CREDIT });
    await voice(w, sub, 90 * 60, 'deepgram'); // 90 credits: all included
    let acc = await w.account(sub);
    assert.deepEqual([acc.pools.voice.included, acc.pools.voice.purchased], [10 * CREDIT, 50 * CREDIT]);
    await voice(w, sub, 30 * 60, 'deepgram'); // 30 credits: 10 included + 20 purchased
    acc = await w.account(sub);
    assert.deepEqual([acc.pools.voice.included, acc.pools.voice.purchased], [0, 30 * CREDIT]);
    const last = (await w.entries(sub)).at(-1);
    assert.deepEqual(last?.delta, { included: -10 * CREDIT, purchased: -20 * CREDIT });
  });

  test('manual grants are ledger entries, not purchases, and never expire', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await w.engine.manualGrant(w.agencyId, sub, { pool: 'sms', credits: 5 * CREDIT, note: 'goodwill' });
    const last = (await w.entries(sub)).at(-1);
    assert.equal(last?.kind, 'manual_grant');
    assert.equal(last?.description, 'goodwill');
    assert.equal(last?.purchaseId, null);
    w.clock.advance(35 * DAY);
    assert.equal((await w.engine.balances(sub)).sms.purchased.remaining, 5 * CREDIT);
  });

  test('THREATS 15: a replayed usage id is charged once; another body under it is usage_event_conflict', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const event: UsageEventRequest = {
      id: 'call-1',
      subAccountId: sub,
      pool: 'voice',
      seconds: 125,
      provider: 'cartesia',
    };
    const first = await w.engine.recordUsage(w.agencyId, event);
    const before = await snapshot(w, sub);
    const replays = await Promise.all([1, 2, 3].map(() => w.engine.recordUsage(w.agencyId, event)));
    for (const r of replays) assert.deepEqual(r, { ...first, replayed: true });
    assert.equal(await codeOf(w.engine.recordUsage(w.agencyId, { ...event, seconds: 126 })), 'usage_event_conflict');
    assert.deepEqual(await snapshot(w, sub), before);
  });

  test('THREATS 16: client has credits but the agency wallet is empty → service_paused, neither charged, status paused', async () => {
    const w = await createWorld({ wallet: { voice: 0 } });
    const sub = await w.createSub();
    assert.equal(await status(w, sub, 'voice'), 'paused');
    assert.equal(await status(w, sub, 'sms'), 'ok');
    const before = await snapshot(w, sub);
    assert.equal(await codeOf(voice(w, sub, 30)), 'service_paused');
    assert.deepEqual(await snapshot(w, sub), before);
    // What the client sees says paused, and nothing about the agency's own balance.
    const view = await w.engine.balances(sub);
    assert.equal(view.voice.available, 100 * CREDIT);
    assert.doesNotMatch(JSON.stringify(view), /wallet/i);

    // A wallet too small for a single second serves the started second until it is empty: the
    // agency pays what it had left, the client nothing (no whole second was served), then paused.
    await w.engine.topUpWallet(w.agencyId, 'voice', 8);
    const tiny = await voice(w, sub, 30);
    assert.deepEqual(tiny.charged, { client: 0, agency: 8 });
    assert.equal(tiny.cutOff, true);
    assert.equal(tiny.status, 'paused');
    assert.equal(await codeOf(voice(w, sub, 30)), 'service_paused');
    // A real top-up lifts the pause.
    await w.engine.topUpWallet(w.agencyId, 'voice', 1000 * CREDIT);
    assert.equal(await status(w, sub, 'voice'), 'ok');
    assert.equal((await voice(w, sub, 30)).charged.client, 500);
  });

  test('THREATS 16: client at 0 while the agency wallet has credits → insufficient_credits, neither charged', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await voice(w, sub, 6000, 'deepgram'); // exactly the 100 included credits
    assert.equal(await status(w, sub, 'voice'), 'depleted');
    const before = await snapshot(w, sub);
    assert.equal(await codeOf(voice(w, sub, 1)), 'insufficient_credits');
    assert.deepEqual(await snapshot(w, sub), before);
    assert.ok(before.wallet.voice > 0);
  });

  test('emptying the agency wallet pauses every client of the agency, with a balance event each', async () => {
    const w = await createWorld();
    const a = await w.createSub();
    const b = await w.createSub();
    const events = collect(w, b);
    await w.engine.topUpWallet(w.agencyId, 'sms', 0, 'set');
    assert.equal(await status(w, a, 'sms'), 'paused');
    assert.equal(await status(w, b, 'sms'), 'paused');
    const balance = events.find((e): e is Extract<StreamEvent, { type: 'balance' }> => e.type === 'balance');
    assert.equal(balance?.balances.sms.status, 'paused');
  });

  test('THREATS 17: 100 parallel SMS debits against a balance good for 10 → exactly 10', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await sms(w, sub, 40, 'GB'); // 20 included credits at 0.4 each: 10 GB messages left
    const before = await w.account(sub);
    assert.equal(before.pools.sms.included, 10 * 400);
    const walletBefore = (await w.wallet()).sms;
    const seen: number[] = [];
    w.engine.bus.subscribe(sub, (m) => {
      if (m.kind === 'event' && m.event.type === 'balance') seen.push(m.event.balances.sms.available);
    });
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => sms(w, sub, 1, 'GB', `par-${i}`)));
    const served = results.filter((r): r is PromiseFulfilledResult<UsageEventResult> => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(served.length, 10);
    assert.ok(served.every((r) => r.value.charged.client === 400 && !r.value.cutOff));
    assert.ok(refused.every((r) => r.reason instanceof PlatformError && r.reason.code === 'insufficient_credits'));
    assert.ok(seen.length === 10 && seen.every((a) => a >= 0));
    const after = await w.engine.balances(sub);
    assert.equal(after.sms.available, 0);
    assert.equal(after.sms.status, 'depleted');
    assert.equal((await w.wallet()).sms, walletBefore - 10 * 200);
    assert.equal((await w.entries(sub)).filter((e) => e.kind === 'usage' && e.pool === 'sms').length, 11);
  });

  test('THREATS 18: a refund after the credits were spent is a reversing entry; nothing deleted; spending blocked while negative', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const p = await w.buy(sub, { pool: 'voice', packId: PACKS.voice100.id });
    await voice(w, sub, 160 * 60, 'deepgram'); // 100 included + 60 of the 100 bought
    const before = await w.entries(sub);
    const refunded = await w.engine.refund(w.agencyId, p.id);
    assert.equal(refunded.refunded, true);
    const after = await w.entries(sub);
    assert.deepEqual(after.slice(0, before.length), before, 'earlier entries are untouched');
    const [refund] = after.slice(before.length);
    assert.equal(after.length, before.length + 1);
    assert.equal(refund?.kind, 'refund');
    assert.equal(refund?.purchaseId, p.id);
    assert.deepEqual(refund?.delta, { included: 0, purchased: -100 * CREDIT });
    const view = await w.engine.balances(sub);
    assert.equal(view.voice.available, -60 * CREDIT);
    assert.equal(view.voice.purchased.remaining, -60 * CREDIT);
    assert.equal(view.voice.status, 'depleted');
    assert.equal(await codeOf(voice(w, sub, 1)), 'insufficient_credits');
    assert.equal(await codeOf(w.engine.refund(w.agencyId, p.id)), 'purchase_not_refundable');
    // Credits added later first cover the debt.
    await w.engine.manualGrant(w.agencyId, sub, { pool: 'voice', credits: 70 * CREDIT });
    assert.equal((await w.engine.balances(sub)).voice.available, 10 * CREDIT);
  });

  test('cut-off: a call longer than the pool is served only up to zero; status depleted with a balance event', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const events = collect(w, sub);
    const r = await voice(w, sub, 7000, 'cartesia'); // 100 credits at 1.2/min = 5000 s
    assert.deepEqual(r.usage, { kind: 'voice', seconds: 5000, provider: 'cartesia' });
    assert.deepEqual(r.requested, { kind: 'voice', seconds: 7000, provider: 'cartesia' });
    assert.equal(r.cutOff, true);
    assert.equal(r.status, 'depleted');
    assert.equal(r.charged.client, 100 * CREDIT);
    assert.equal(r.charged.agency, 5000 * 10); // 600/min = 10/s
    const last = events.filter((e) => e.type === 'balance').at(-1) as { balances: Balances } | undefined;
    assert.equal(last?.balances.voice.status, 'depleted');
    assert.equal(last?.balances.voice.available, 0);
  });

  test('cut-off by the agency wallet: served as far as the wallet pays, then paused', async () => {
    const w = await createWorld({ wallet: { voice: 1000 } });
    const sub = await w.createSub();
    const r = await voice(w, sub, 300, 'deepgram'); // the wallet pays 120 s at 500/min
    assert.equal(r.cutOff, true);
    assert.deepEqual(r.usage, { kind: 'voice', seconds: 120, provider: 'deepgram' });
    assert.deepEqual(r.charged, { client: 2000, agency: 1000 });
    assert.equal(r.status, 'paused');
    assert.equal((await w.wallet()).voice, 0);
  });

  test('a pool with less than one second left is emptied by the next call, which is cut off: depleted, never negative', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await voice(w, sub, 5999, 'deepgram'); // ceil(5999·1000/60) = 99 984: 16 millicredits left, < 1 s
    assert.equal((await w.account(sub)).pools.voice.included, 16);
    const r = await voice(w, sub, 10);
    assert.equal(r.cutOff, true);
    assert.deepEqual(r.usage, { kind: 'voice', seconds: 0, provider: 'deepgram' });
    assert.equal(r.charged.client, 16);
    assert.equal(r.status, 'depleted');
    assert.equal((await w.account(sub)).pools.voice.included, 0);
    const before = await snapshot(w, sub);
    assert.equal(await codeOf(voice(w, sub, 10)), 'insufficient_credits');
    assert.deepEqual(await snapshot(w, sub), before);
  });

  test('cap: reaching it sets capped and refuses usage with usage_capped; buying more lifts it', async () => {
    const w = await createWorld();
    const sub = await w.createSub({ planId: PLANS.proCapped.id });
    const r = await voice(w, sub, 12_000, 'elevenlabs'); // cap 200 credits at 1.2/min = 10 000 s
    assert.equal(r.usage.kind === 'voice' && r.usage.seconds, 10_000);
    assert.equal(r.cutOff, true);
    assert.equal(r.status, 'capped');
    const view = await w.engine.balances(sub);
    assert.deepEqual(view.voice.cap, { limit: 200 * CREDIT, used: 200 * CREDIT });
    assert.equal(view.voice.available, 300 * CREDIT, 'included credits remain, but the cap holds');
    const before = await snapshot(w, sub);
    assert.equal(await codeOf(voice(w, sub, 1)), 'usage_capped');
    assert.deepEqual(await snapshot(w, sub), before);
    // SMS has its own cap and is unaffected.
    assert.equal((await sms(w, sub, 1)).status, 'ok');

    await w.buy(sub, { pool: 'voice', packId: PACKS.voice100.id });
    const lifted = await w.engine.balances(sub);
    assert.equal(lifted.voice.status, 'ok');
    assert.deepEqual(lifted.voice.cap, { limit: 300 * CREDIT, used: 200 * CREDIT });
    const more = await voice(w, sub, 6000, 'elevenlabs'); // 120 credits asked, 100 allowed
    assert.equal(more.charged.client, 100 * CREDIT);
    assert.equal(more.status, 'capped');
    // Included credits were still consumed first, under the lifted cap.
    assert.equal((await w.account(sub)).pools.voice.purchased, 100 * CREDIT);
  });

  test('cap: a new period lifts it', async () => {
    const w = await createWorld();
    const sub = await w.createSub({ planId: PLANS.proCapped.id });
    await voice(w, sub, 10_000, 'elevenlabs');
    assert.equal(await status(w, sub, 'voice'), 'capped');
    w.clock.advance(31 * DAY);
    const view = await w.engine.balances(sub);
    assert.equal(view.voice.status, 'ok');
    assert.deepEqual(view.voice.cap, { limit: 200 * CREDIT, used: 0 });
  });

  test('a refund takes back the cap lift the refunded purchase gave', async () => {
    const w = await createWorld();
    const sub = await w.createSub({ planId: PLANS.proCapped.id });
    await voice(w, sub, 10_000, 'elevenlabs'); // capped at 200 credits, 300 included left
    const p = await w.buy(sub, { pool: 'voice', packId: PACKS.voice100.id });
    assert.equal(await status(w, sub, 'voice'), 'ok');
    await w.engine.refund(w.agencyId, p.id);
    const view = await w.engine.balances(sub);
    assert.deepEqual(view.voice.cap, { limit: 200 * CREDIT, used: 200 * CREDIT });
    assert.equal(view.voice.status, 'capped');
    assert.equal(await codeOf(voice(w, sub, 60, 'elevenlabs')), 'usage_capped');
  });

  test('low threshold: below it the status is low', async () => {
    const w = await createWorld();
    const sub = await w.createSub({ lowThresholds: { sms: 5 * CREDIT } });
    const view = await w.engine.balances(sub);
    assert.equal(view.voice.lowThreshold, 20 * CREDIT, 'default: 20% of the included credits');
    await voice(w, sub, 80 * 60, 'deepgram'); // 20 credits left: not below
    assert.equal(await status(w, sub, 'voice'), 'ok');
    const r = await voice(w, sub, 1, 'deepgram');
    assert.equal(r.status, 'low');
    await sms(w, sub, 37, 'GB'); // 20 − 14.8 = 5.2 credits left
    assert.equal(await status(w, sub, 'sms'), 'ok');
    assert.equal((await sms(w, sub, 1, 'GB')).status, 'low');
  });

  test('status precedence: paused > capped > depleted > low > ok', async () => {
    const base: PoolState = {
      included: 0,
      includedGranted: 0,
      purchased: 0,
      usedThisPeriod: 0,
      purchasedThisPeriod: 0,
      lowThreshold: 10,
      cap: null,
      capFromPlan: true,
    };
    const capped = { ...base, cap: 100, usedThisPeriod: 100 };
    assert.equal(poolStatus(capped, 0), 'paused');
    assert.equal(poolStatus(capped, 1), 'capped');
    assert.equal(poolStatus({ ...base, cap: 100, usedThisPeriod: 100, included: 5 }, 1), 'capped');
    assert.equal(poolStatus(base, 1), 'depleted');
    assert.equal(poolStatus({ ...base, purchased: -5 }, 1), 'depleted');
    assert.equal(poolStatus({ ...base, included: 5 }, 1), 'low');
    assert.equal(poolStatus({ ...base, included: 10 }, 1), 'ok');

    // And in the engine: a capped client whose agency wallet empties shows paused.
    const w = await createWorld();
    const sub = await w.createSub({ planId: PLANS.proCapped.id });
    await voice(w, sub, 10_000, 'elevenlabs');
    assert.equal(await status(w, sub, 'voice'), 'capped');
    await w.engine.topUpWallet(w.agencyId, 'voice', 0, 'set');
    assert.equal(await status(w, sub, 'voice'), 'paused');
    assert.equal(await codeOf(voice(w, sub, 1)), 'service_paused');
  });
});

describe('periods and plans', () => {
  test('period reset: included back to the allowance, purchased unchanged, a period_reset entry per pool', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await w.buy(sub, { pool: 'voice', packId: PACKS.voice100.id });
    await voice(w, sub, 150 * 60, 'deepgram'); // all 100 included + 50 purchased
    await sms(w, sub, 10, 'GB');
    const account = await w.account(sub);
    assert.equal(account.periodEnd, Date.UTC(2026, 1, 15, 12));
    w.clock.set(account.periodEnd - 1);
    assert.equal((await w.engine.balances(sub)).voice.included.remaining, 0);

    w.clock.set(account.periodEnd);
    const view = await w.engine.balances(sub);
    assert.equal(view.voice.included.remaining, 100 * CREDIT);
    assert.equal(view.voice.purchased.remaining, 50 * CREDIT);
    assert.equal(view.voice.usedThisPeriod, 0);
    assert.equal(view.sms.included.remaining, 20 * CREDIT);
    assert.equal(view.periodStart, new Date(Date.UTC(2026, 1, 15, 12)).toISOString());
    assert.equal(view.periodEnd, new Date(Date.UTC(2026, 2, 15, 12)).toISOString());
    const resets = (await w.entries(sub)).filter((e) => e.kind === 'period_reset');
    assert.deepEqual(
      resets.map((e) => [e.pool, e.delta.included, e.delta.purchased, e.createdAt]),
      [
        ['voice', 100 * CREDIT, 0, account.periodEnd],
        ['sms', 4 * CREDIT, 0, account.periodEnd],
      ],
    );
  });

  test('period reset: unused included credits are dropped unless the plan rolls over', async () => {
    const w = await createWorld();
    const starter = await w.createSub();
    const pro = await w.createSub({ planId: PLANS.pro.id });
    await voice(w, starter, 40 * 60, 'deepgram'); // 60 of 100 left
    await voice(w, pro, 100 * 60, 'cartesia'); // 400 of 500 left
    w.clock.advance(31 * DAY);
    assert.equal((await w.engine.balances(starter)).voice.included.remaining, 100 * CREDIT);
    const view = await w.engine.balances(pro);
    assert.equal(view.voice.included.remaining, 900 * CREDIT);
    assert.equal(view.sms.included.remaining, 200 * CREDIT);
  });

  test('period reset: several missed periods roll one by one', async () => {
    const w = await createWorld();
    const sub = await w.createSub({ planId: PLANS.pro.id });
    w.clock.advance(3 * 31 * DAY);
    const view = await w.engine.balances(sub);
    assert.equal(view.voice.included.remaining, 4 * 500 * CREDIT);
    assert.equal((await w.entries(sub)).filter((e) => e.kind === 'period_reset').length, 3 * 2);
  });

  test('period reset: first seen by a read (quote), the resets are appended once', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await voice(w, sub, 30 * 60, 'deepgram');
    w.clock.advance(31 * DAY);
    await w.engine.quote(sub, { pool: 'voice', packId: PACKS.voice100.id });
    await w.engine.quote(sub, { pool: 'voice', packId: PACKS.voice100.id });
    await w.buy(sub, { pool: 'voice', packId: PACKS.voice100.id });
    const entries = await w.entries(sub);
    assert.equal(entries.filter((e) => e.kind === 'period_reset').length, 2);
    assert.equal(new Set(entries.map((e) => e.seq)).size, entries.length, 'no seq used twice');
    const account = await w.account(sub);
    const sum = entries.filter((e) => e.pool === 'voice').reduce((n, e) => n + e.delta.included, 0);
    assert.equal(account.pools.voice.included, sum);
    assert.equal(sum, 100 * CREDIT);
  });

  test('plan change mid-period: the new allowance minus what was used; new rates and cap at once', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const events = collect(w, sub);
    await voice(w, sub, 30 * 60, 'deepgram'); // 30 of 100 included used
    const change = (planId: string, key: string) =>
      w.engine.idempotent(`plan:${sub}`, key, { planId }, (ctx) => w.engine.changePlan(ctx, sub, planId));
    const { body } = await change(PLANS.proCapped.id, 'p1');
    assert.deepEqual(
      [body.fromPlanId, body.toPlanId, body.status],
      [PLANS.starter.id, PLANS.proCapped.id, 'succeeded'],
    );
    const view = await w.engine.balances(sub);
    assert.equal(view.voice.included.remaining, 470 * CREDIT);
    assert.equal(view.voice.included.granted, 500 * CREDIT);
    assert.equal(view.sms.included.remaining, 100 * CREDIT);
    assert.deepEqual(view.voice.cap, { limit: 200 * CREDIT, used: 30 * CREDIT });
    const planEntries = (await w.entries(sub)).filter((e) => e.kind === 'plan_change');
    assert.deepEqual(
      planEntries.map((e) => [e.pool, e.delta.included]),
      [
        ['voice', 400 * CREDIT],
        ['sms', 80 * CREDIT],
      ],
    );
    const plan = events.find((e) => e.type === 'plan');
    assert.equal(plan?.type === 'plan' && plan.currentPlanId, PLANS.proCapped.id);
    assert.equal((await voice(w, sub, 60, 'deepgram')).charged.client, 900, 'Pro rate from now on');

    // A retry replays; the same plan again or an unknown plan is refused.
    assert.equal((await change(PLANS.proCapped.id, 'p1')).replayed, true);
    assert.equal((await w.entries(sub)).filter((e) => e.kind === 'plan_change').length, 2);
    assert.equal(await codeOf(change(PLANS.proCapped.id, 'p2')), 'plan_unchanged');
    assert.equal(await codeOf(change('plan_nope', 'p3')), 'plan_not_found');

    // Downgrading after using more than the smaller allowance leaves 0 included, never negative.
    await voice(w, sub, 150 * 60, 'deepgram');
    await change(PLANS.starter.id, 'p4');
    const down = await w.engine.balances(sub);
    assert.equal(down.voice.included.remaining, 0);
    assert.equal(down.voice.cap, null);
  });
});

describe('auto-refill', () => {
  const refillSetting: AutoRefillSetting = {
    pool: 'voice',
    enabled: true,
    threshold: 50 * CREDIT,
    packId: PACKS.voice100.id,
    maxPerMonth: 2,
  };
  const refills = async (w: World, sub: string) => (await w.entries(sub)).filter((e) => e.kind === 'auto_refill');

  test('is off by default: falling below any threshold buys nothing', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await w.buy(sub, { pool: 'sms', packId: PACKS.sms50.id }); // a saved payment method
    const auto = await w.engine.getAutoRefill(sub);
    assert.ok(auto.settings.every((s) => !s.enabled));
    await voice(w, sub, 6000, 'deepgram');
    assert.equal((await refills(w, sub)).length, 0);
    assert.equal(await status(w, sub, 'voice'), 'depleted');
  });

  test('is refused outside the agency policy', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    const put = (s: AutoRefillSetting) => w.engine.putAutoRefill(sub, s);
    assert.equal(await codeOf(put({ ...refillSetting, packId: PACKS.voice500.id })), 'auto_refill_not_allowed');
    assert.equal(await codeOf(put({ ...refillSetting, packId: PACKS.sms50.id })), 'auto_refill_not_allowed');
    assert.equal(await codeOf(put({ ...refillSetting, maxPerMonth: 3 })), 'auto_refill_not_allowed');
    assert.equal(await codeOf(put({ ...refillSetting, maxPerMonth: 0 })), 'auto_refill_not_allowed');
    await w.engine.updateAgency(w.agencyId, { autoRefillPolicy: { allowed: false, packIds: [], maxPerMonth: 0 } });
    assert.equal(await codeOf(put(refillSetting)), 'auto_refill_not_allowed');
    // Turning it off is always allowed.
    await put({ ...refillSetting, enabled: false });
  });

  test('needs a saved payment method from a completed checkout', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await w.engine.putAutoRefill(sub, refillSetting);
    await voice(w, sub, 80 * 60, 'deepgram'); // 20 left, below 50
    assert.equal((await refills(w, sub)).length, 0);
    assert.equal((await w.engine.getAutoRefill(sub)).paymentMethod, null);

    // A failed checkout saves no method either.
    const failed = await w.buy(sub, { pool: 'sms', packId: PACKS.sms50.id }, false);
    await w.engine.completeTestCheckout(failed.id, checkoutToken(failed), 'fail');
    await voice(w, sub, 60, 'deepgram');
    assert.equal((await refills(w, sub)).length, 0);

    await w.buy(sub, { pool: 'sms', packId: PACKS.sms50.id });
    assert.deepEqual((await w.engine.getAutoRefill(sub)).paymentMethod, { brand: 'visa', last4: '4242' });
    await voice(w, sub, 60, 'deepgram');
    const made = await refills(w, sub);
    assert.equal(made.length, 1);
    assert.equal(made[0]?.delta.purchased, PACKS.voice100.credits);
  });

  test('refills below the threshold at most maxPerMonth times a month, and again next month', async () => {
    const w = await createWorld();
    const sub = await w.createSub();
    await w.buy(sub, { pool: 'sms', packId: PACKS.sms50.id });
    await w.engine.putAutoRefill(sub, refillSetting);
    // Each 100-credit spend drops below 50 and triggers one refill, until the monthly limit.
    for (let i = 0; i < 4; i++) {
      try {
        await voice(w, sub, 100 * 60, 'deepgram');
      } catch (error) {
        assert.ok(error instanceof PlatformError && error.code === 'insufficient_credits');
      }
    }
    assert.equal((await refills(w, sub)).length, 2);
    assert.deepEqual((await w.engine.getAutoRefill(sub)).refillsThisMonth, { voice: 2, sms: 0 });
    const purchases = (await refills(w, sub)).map((e) => e.purchaseId);
    assert.equal(new Set(purchases).size, 2);

    w.clock.set(Date.UTC(2026, 1, 2)); // a new calendar month, same billing period
    await voice(w, sub, 1, 'deepgram').catch(() => undefined);
    await w.engine.manualGrant(w.agencyId, sub, { pool: 'voice', credits: 10 * CREDIT });
    await voice(w, sub, 60, 'deepgram');
    assert.equal((await refills(w, sub)).length, 3);
  });
});

// Property tests of the credit engine's invariants (DESIGN.md §2) under random sequences of
// usage, grants, purchases, plan changes, period rolls, wallet changes and refunds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Plan, Pool, StreamEvent, UsageEventRequest, UsageEventResult, VoiceProvider } from '@creditkit/contract';
import fc from 'fast-check';
import { PlatformError } from '../src/errors.js';
import type { AccountRecord, EntryRecord } from '../src/model.js';
import { smsCost, voiceCost } from '../src/rules.js';
import { BIG_WALLET, CREDIT, checkoutToken, createWorld, PACKS, PLANS, PLATFORM_RATES, type World } from './fixture.js';

const DAY = 86_400_000;
fc.configureGlobal({ includeErrorInReport: true });
const PROVIDERS = ['deepgram', 'cartesia', 'elevenlabs'] as const satisfies readonly VoiceProvider[];
const COUNTRIES = ['US', 'GB'] as const;
const POOLS = ['voice', 'sms'] as const satisfies readonly Pool[];
const PLAN_IDS = [PLANS.starter.id, PLANS.pro.id, PLANS.proCapped.id] as const;
const REFUSALS = new Set(['service_paused', 'insufficient_credits', 'usage_capped']);

// ---------------------------------------------------------------------------------------------
// Operations

type Op =
  | { kind: 'voice'; sub: number; seconds: number; provider: VoiceProvider }
  | { kind: 'sms'; sub: number; count: number; country: (typeof COUNTRIES)[number] }
  | { kind: 'grant'; sub: number; pool: Pool; credits: number }
  | { kind: 'buy'; sub: number; pool: Pool; custom: number | null; outcome: 'pay' | 'fail' | 'cancel' }
  | { kind: 'plan'; sub: number; planId: string }
  | { kind: 'advance'; ms: number }
  | { kind: 'wallet'; pool: Pool; mode: 'add' | 'set'; credits: number }
  | { kind: 'refund'; sub: number; pick: number };

const SUBS = 2;
const sub = fc.integer({ min: 0, max: SUBS - 1 });
const pool = fc.constantFrom(...POOLS);

const usageOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('voice' as const),
    sub,
    seconds: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 9000 })),
    provider: fc.constantFrom(...PROVIDERS),
  }),
  fc.record({
    kind: fc.constant('sms' as const),
    sub,
    count: fc.integer({ min: 1, max: 60 }),
    country: fc.constantFrom(...COUNTRIES),
  }),
);
const grantOp: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('grant' as const),
  sub,
  pool,
  credits: fc.integer({ min: 1, max: 50 * CREDIT }),
});
const buyOp: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('buy' as const),
  sub,
  pool,
  custom: fc.option(fc.integer({ min: 10, max: 1500 }), { nil: null }),
  outcome: fc.constantFrom('pay' as const, 'pay' as const, 'fail' as const, 'cancel' as const),
});
const planOp: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('plan' as const),
  sub,
  planId: fc.constantFrom(...PLAN_IDS),
});
const advanceOp: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('advance' as const),
  ms: fc.oneof(fc.integer({ min: 0, max: DAY }), fc.integer({ min: 20 * DAY, max: 40 * DAY })),
});
const walletOp: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('wallet' as const),
  pool,
  mode: fc.constantFrom('add' as const, 'set' as const),
  credits: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: BIG_WALLET })),
});
const refundOp: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('refund' as const), sub, pick: fc.nat() });

const anyOp = (withRefunds: boolean): fc.Arbitrary<Op> =>
  fc.oneof(
    { arbitrary: usageOp, weight: 8 },
    { arbitrary: grantOp, weight: 1 },
    { arbitrary: buyOp, weight: 2 },
    { arbitrary: planOp, weight: 1 },
    { arbitrary: advanceOp, weight: 1 },
    { arbitrary: walletOp, weight: 2 },
    { arbitrary: refundOp, weight: withRefunds ? 1 : 0 },
  );

interface Run {
  world: World;
  subs: string[];
  initialWallet: Record<Pool, number>;
  granted: string[][];
  refunds: number;
  nextUsage: number;
}

async function startRun(): Promise<Run> {
  const world = await createWorld();
  const subs: string[] = [];
  for (let i = 0; i < SUBS; i++)
    subs.push(await world.createSub({ planId: i === 0 ? PLANS.starter.id : PLANS.proCapped.id }));
  return { world, subs, initialWallet: await world.wallet(), granted: subs.map(() => []), refunds: 0, nextUsage: 0 };
}

const planOf = (account: AccountRecord): Plan => {
  const plan = Object.values(PLANS).find((p) => p.id === account.planId);
  assert.ok(plan, `unknown plan ${account.planId}`);
  return plan;
};

function usageRequest(run: Run, op: Extract<Op, { kind: 'voice' | 'sms' }>): UsageEventRequest {
  const id = `u${run.nextUsage++}`;
  const subAccountId = run.subs[op.sub] as string;
  return op.kind === 'voice'
    ? { id, subAccountId, pool: 'voice', seconds: op.seconds, provider: op.provider }
    : { id, subAccountId, pool: 'sms', count: op.count, country: op.country };
}

/** Runs one usage event; refusals (the three expected codes) come back as their code. */
async function use(run: Run, event: UsageEventRequest): Promise<UsageEventResult | string> {
  try {
    return await run.world.engine.recordUsage(run.world.agencyId, event);
  } catch (error) {
    if (error instanceof PlatformError && REFUSALS.has(error.code)) return error.code;
    throw error;
  }
}

async function apply(run: Run, op: Op): Promise<void> {
  const { engine, agencyId, clock } = run.world;
  const id = 'sub' in op ? (run.subs[op.sub] as string) : '';
  switch (op.kind) {
    case 'voice':
    case 'sms':
      await use(run, usageRequest(run, op));
      return;
    case 'grant':
      await engine.manualGrant(agencyId, id, { pool: op.pool, credits: op.credits });
      return;
    case 'buy': {
      const request =
        op.custom !== null && op.pool === 'voice'
          ? { pool: op.pool, credits: op.custom * CREDIT }
          : { pool: op.pool, packId: op.pool === 'voice' ? PACKS.voice100.id : PACKS.sms50.id };
      const purchase = await run.world.buy(id, request, false);
      const action = op.outcome;
      const done = await engine.completeTestCheckout(purchase.id, checkoutToken(purchase), action);
      assert.equal(done.granted, action === 'pay');
      if (done.granted) run.granted[op.sub]?.push(done.id);
      return;
    }
    case 'plan':
      try {
        await engine.idempotent(`plan:${id}`, `k${run.nextUsage++}`, { planId: op.planId }, (ctx) =>
          engine.changePlan(ctx, id, op.planId),
        );
      } catch (error) {
        if (!(error instanceof PlatformError && error.code === 'plan_unchanged')) throw error;
      }
      return;
    case 'advance':
      clock.advance(op.ms);
      return;
    case 'wallet':
      await engine.topUpWallet(agencyId, op.pool, op.credits, op.mode);
      return;
    case 'refund': {
      const list = run.granted[op.sub] ?? [];
      if (list.length === 0) return;
      const [purchaseId] = list.splice(op.pick % list.length, 1);
      await engine.refund(agencyId, purchaseId as string);
      run.refunds += 1;
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Invariant checks

/** Replays an account's entries: running sums match every `balanceAfter` and the account record. */
async function replay(run: Run, accountId: string): Promise<{ account: AccountRecord; entries: EntryRecord[] }> {
  const account = await run.world.account(accountId);
  const entries = await run.world.entries(accountId);
  const sum = { voice: { included: 0, purchased: 0 }, sms: { included: 0, purchased: 0 } };
  let lastSeq = 0;
  for (const e of entries) {
    assert.ok(e.seq > lastSeq, `entry seq ${e.seq} after ${lastSeq} (${e.kind})`);
    lastSeq = e.seq;
    assert.ok(Number.isInteger(e.delta.included) && Number.isInteger(e.delta.purchased), 'integer deltas');
    const s = sum[e.pool];
    s.included += e.delta.included;
    s.purchased += e.delta.purchased;
    assert.deepEqual(e.balanceAfter, {
      included: s.included,
      purchased: s.purchased,
      available: s.included + s.purchased,
    });
  }
  assert.ok(lastSeq <= account.seq, `entry seq ${lastSeq} beyond the account seq ${account.seq}`);
  for (const p of POOLS) {
    assert.equal(account.pools[p].included, sum[p].included, `${p} included = Σ entries`);
    assert.equal(account.pools[p].purchased, sum[p].purchased, `${p} purchased = Σ entries`);
  }
  return { account, entries };
}

/** The stored record, and then the rolled-in `balances()` view, both equal the replayed ledger. */
async function checkLedger(run: Run, accountId: string): Promise<{ account: AccountRecord; entries: EntryRecord[] }> {
  await replay(run, accountId);
  const view = await run.world.engine.balances(accountId);
  const replayed = await replay(run, accountId);
  assert.equal(view.seq, replayed.account.seq);
  for (const p of POOLS) {
    const { included, purchased } = replayed.account.pools[p];
    assert.equal(view[p].included.remaining, included);
    assert.equal(view[p].purchased.remaining, purchased);
    assert.equal(view[p].available, included + purchased);
  }
  return replayed;
}

/** The agency wallet is its starting balance plus its own entries. */
async function checkWallet(run: Run): Promise<void> {
  const wallet = await run.world.wallet();
  const entries = await run.world.entries(run.world.agencyId);
  for (const p of POOLS) {
    const sum = entries.filter((e) => e.pool === p).reduce((n, e) => n + e.delta.purchased, 0);
    assert.equal(wallet[p], run.initialWallet[p] + sum, `${p} wallet = start + Σ entries`);
    assert.ok(wallet[p] >= 0, `${p} wallet never negative`);
  }
}

const ops = (withRefunds: boolean, max = 30) => fc.array(anyOp(withRefunds), { minLength: 1, maxLength: max });

// ---------------------------------------------------------------------------------------------

test('the balance equals the sum of its ledger entries after any sequence of operations', async () => {
  await fc.assert(
    fc.asyncProperty(ops(true), async (list) => {
      const run = await startRun();
      for (const op of list) {
        await apply(run, op);
        // The stored record as the operation left it, without rolling it into the current period.
        for (const id of run.subs) await replay(run, id);
        await checkWallet(run);
      }
      for (const id of run.subs) await checkLedger(run, id);
    }),
    { numRuns: 80 },
  );
});

test('usage never makes a balance negative (no refunds)', async () => {
  await fc.assert(
    fc.asyncProperty(ops(false, 40), async (list) => {
      const run = await startRun();
      for (const op of list) {
        await apply(run, op);
        for (const id of run.subs) {
          const { account } = await checkLedger(run, id);
          for (const p of POOLS) {
            const s = account.pools[p];
            assert.ok(s.included >= 0 && s.purchased >= 0, `${p}: included ${s.included}, purchased ${s.purchased}`);
            assert.ok(s.included + s.purchased >= 0);
          }
        }
        await checkWallet(run);
      }
    }),
    { numRuns: 60 },
  );
});

test('included credits are consumed before purchased ones', async () => {
  await fc.assert(
    fc.asyncProperty(ops(true, 40), async (list) => {
      const run = await startRun();
      for (const op of list) await apply(run, op);
      for (const id of run.subs) {
        const { entries } = await checkLedger(run, id);
        const included: Record<Pool, number> = { voice: 0, sms: 0 };
        for (const e of entries) {
          const before = included[e.pool];
          included[e.pool] = e.balanceAfter.included;
          if (e.kind !== 'usage') continue;
          assert.ok(e.delta.included <= 0 && e.delta.purchased <= 0, 'usage only takes');
          if (e.delta.purchased < 0) {
            assert.equal(before + e.delta.included, 0, `took from purchased while ${before} included remained`);
          }
          assert.ok(e.balanceAfter.included >= 0);
        }
      }
    }),
    { numRuns: 50 },
  );
});

test('per-second cost: charged = ceil(seconds × rate / 60), SMS = count × rate (pure rules)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (seconds, rate) => {
      const exact = (BigInt(seconds) * BigInt(rate) + 59n) / 60n;
      assert.equal(voiceCost(seconds, rate), Number(exact));
      assert.equal(smsCost(seconds, rate), seconds * rate);
      if (seconds > 0 && seconds < 60 && rate > 0) assert.ok(voiceCost(seconds, rate) < rate || rate < 60);
    }),
    { numRuns: 500 },
  );
  // A 2-second call is 2 seconds, never a minute.
  assert.equal(voiceCost(2, 1000), 34);
  assert.equal(voiceCost(60, 1000), 1000);
  assert.equal(voiceCost(61, 1000), 1017);
});

test('per-second cost: the engine charges ceil(seconds × rate / 60) to the client and the agency', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 20_000 }),
      fc.integer({ min: 1, max: 100_000 }),
      fc.integer({ min: 1, max: 100_000 }),
      fc.constantFrom(...PROVIDERS),
      fc.integer({ min: 1, max: 500 }),
      fc.integer({ min: 1, max: 5000 }),
      async (seconds, clientRate, platformRate, provider, count, smsRate) => {
        const world = await createWorld();
        const rates = {
          voice: { ...PLANS.starter.rates.voice, [provider]: clientRate },
          sms: { US: smsRate, GB: 400 },
        };
        await world.engine.updateCatalog(world.agencyId, {
          plans: [{ ...PLANS.starter, rates }, PLANS.pro, PLANS.proCapped],
        });
        const agency = await world.engine.store.transaction((tx) => tx.get('agencies', world.agencyId));
        assert.ok(agency);
        agency.platformRates = { ...PLATFORM_RATES, voice: { ...PLATFORM_RATES.voice, [provider]: platformRate } };
        await world.engine.store.transaction((tx) => tx.put('agencies', world.agencyId, agency));
        const id = await world.createSub();
        await world.engine.manualGrant(world.agencyId, id, { pool: 'voice', credits: 1_000_000 * CREDIT });
        await world.engine.manualGrant(world.agencyId, id, { pool: 'sms', credits: 1_000_000 * CREDIT });
        const voice = await world.engine.recordUsage(world.agencyId, {
          id: 'v',
          subAccountId: id,
          pool: 'voice',
          seconds,
          provider,
        });
        assert.deepEqual(voice.usage, { kind: 'voice', seconds, provider });
        assert.equal(voice.cutOff, false);
        assert.equal(voice.charged.client, Number((BigInt(seconds) * BigInt(clientRate) + 59n) / 60n));
        assert.equal(voice.charged.agency, Number((BigInt(seconds) * BigInt(platformRate) + 59n) / 60n));
        const sms = await world.engine.recordUsage(world.agencyId, {
          id: 's',
          subAccountId: id,
          pool: 'sms',
          count,
          country: 'US',
        });
        assert.deepEqual(sms.charged, { client: count * smsRate, agency: count * (PLATFORM_RATES.sms.US ?? NaN) });
      },
    ),
    { numRuns: 50 },
  );
});

test('dual gating is all-or-nothing: refused usage changes nothing, served usage charges both', async () => {
  const drainingOp = fc.oneof(
    { arbitrary: usageOp, weight: 10 },
    { arbitrary: walletOp, weight: 3 },
    { arbitrary: grantOp, weight: 1 },
    { arbitrary: buyOp, weight: 1 },
    { arbitrary: planOp, weight: 1 },
    { arbitrary: advanceOp, weight: 1 },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(drainingOp, { minLength: 1, maxLength: 40 }), async (list) => {
      const run = await startRun();
      const { engine, agencyId } = run.world;
      for (const op of list) {
        if (op.kind !== 'voice' && op.kind !== 'sms') {
          await apply(run, op);
          continue;
        }
        const event = usageRequest(run, op);
        await engine.balances(event.subAccountId); // roll the period first, so before/after compare only this event
        const account = await run.world.account(event.subAccountId);
        const wallet = await run.world.wallet();
        const entries = (await run.world.entries(event.subAccountId)).length;
        const walletEntries = (await run.world.entries(agencyId)).length;

        // The oracle: what both sides can pay for.
        const state = account.pools[event.pool];
        const plan = planOf(account);
        const clientRate = event.pool === 'voice' ? plan.rates.voice[event.provider] : plan.rates.sms[event.country];
        const agencyRate =
          event.pool === 'voice' ? PLATFORM_RATES.voice[event.provider] : PLATFORM_RATES.sms[event.country];
        assert.ok(clientRate !== undefined && agencyRate !== undefined);
        const avail = state.included + state.purchased;
        const capRemaining =
          state.cap === null ? Infinity : Math.max(0, state.cap + state.purchasedThisPeriod - state.usedThisPeriod);
        const clientBudget = Math.max(0, Math.min(avail, capRemaining));
        const walletBudget = wallet[event.pool];
        const units = (budget: number, rate: number) => Math.floor((budget * (event.pool === 'voice' ? 60 : 1)) / rate);
        const requested = event.pool === 'voice' ? event.seconds : event.count;
        const clientUnits = units(clientBudget, clientRate);
        const walletUnits = units(walletBudget, agencyRate);
        const expectedServed = Math.min(requested, clientUnits, walletUnits);
        // Voice is cut off mid-call: it runs while both sides have anything left; SMS needs a whole message.
        const refusable = event.pool === 'voice' ? clientBudget <= 0 || walletBudget <= 0 : expectedServed === 0;

        const result = await use(run, event);
        const accountAfter = await run.world.account(event.subAccountId);
        const walletAfter = await run.world.wallet();
        const newEntries = (await run.world.entries(event.subAccountId)).slice(entries);
        const newWalletEntries = (await run.world.entries(agencyId)).slice(walletEntries);
        if (typeof result === 'string') {
          assert.ok(refusable, `refused (${result}) although ${expectedServed} could be served`);
          if (walletBudget <= 0) assert.equal(result, 'service_paused');
          assert.deepEqual(accountAfter, account, 'a refused event leaves the client untouched');
          assert.deepEqual(walletAfter, wallet, 'a refused event leaves the agency wallet untouched');
          assert.equal(newEntries.length, 0);
          assert.equal(newWalletEntries.length, 0);
          continue;
        }
        const served = result.usage.kind === 'voice' ? result.usage.seconds : result.usage.count;
        assert.equal(served, expectedServed);
        assert.ok(!refusable, 'served although one side had nothing');
        if (event.pool === 'sms') assert.ok(served > 0);
        assert.equal(result.cutOff, served < requested);
        const cost = (n: number, rate: number) => (event.pool === 'voice' ? voiceCost(n, rate) : smsCost(n, rate));
        // The side that ran out mid-call pays the started second with what it had left, reaching 0.
        const cut = event.pool === 'voice' && served < requested;
        const clientOwes = cut && served === clientUnits ? clientBudget : cost(served, clientRate);
        const agencyOwes = cut && served === walletUnits ? walletBudget : cost(served, agencyRate);
        assert.equal(result.charged.client, clientOwes, 'client charged at the plan rate');
        assert.equal(result.charged.agency, agencyOwes, 'agency charged at the platform rate');
        assert.deepEqual(
          newEntries.map((e) => e.kind),
          ['usage'],
        );
        const [usage] = newEntries as [EntryRecord];
        assert.equal(usage.delta.included + usage.delta.purchased, -result.charged.client);
        assert.equal(usage.usageEventId, event.id);
        assert.deepEqual(
          newWalletEntries.map((e) => [e.kind, e.pool, e.delta.purchased]),
          [['wallet_usage', event.pool, -result.charged.agency]],
        );
        assert.equal(walletAfter[event.pool], wallet[event.pool] - result.charged.agency);
        const availAfter = accountAfter.pools[event.pool].included + accountAfter.pools[event.pool].purchased;
        assert.equal(availAfter, avail - result.charged.client);
        assert.ok(availAfter >= 0 && walletAfter[event.pool] >= 0);
      }
    }),
    { numRuns: 60 },
  );
});

test('a usage id is charged once: replays change nothing, another body is usage_event_conflict', async () => {
  const event = fc.record({
    id: fc.constantFrom('e1', 'e2', 'e3', 'e4'),
    sub,
    voice: fc.boolean(),
    n: fc.integer({ min: 1, max: 400 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 25 }), async (list) => {
      const run = await startRun();
      const { engine, agencyId } = run.world;
      const first = new Map<string, { body: UsageEventRequest; result: UsageEventResult }>();
      for (const e of list) {
        const subAccountId = run.subs[e.sub] as string;
        const body: UsageEventRequest = e.voice
          ? { id: e.id, subAccountId, pool: 'voice', seconds: e.n, provider: 'cartesia' }
          : { id: e.id, subAccountId, pool: 'sms', count: Math.ceil(e.n / 40), country: 'GB' };
        const before = await Promise.all(run.subs.map((id) => run.world.account(id)));
        const entriesBefore = (await Promise.all(run.subs.map((id) => run.world.entries(id)))).flat().length;
        const walletBefore = await run.world.wallet();
        const prior = first.get(e.id);
        if (!prior) {
          const result = await use(run, body);
          if (typeof result !== 'string') first.set(e.id, { body, result });
          continue;
        }
        if (JSON.stringify(prior.body) === JSON.stringify(body)) {
          const replay = await engine.recordUsage(agencyId, body);
          assert.deepEqual(replay, { ...prior.result, replayed: true });
        } else {
          await assert.rejects(engine.recordUsage(agencyId, body), (error: unknown) => {
            assert.ok(error instanceof PlatformError);
            assert.equal(error.code, 'usage_event_conflict');
            return true;
          });
        }
        assert.deepEqual(await Promise.all(run.subs.map((id) => run.world.account(id))), before);
        assert.equal((await Promise.all(run.subs.map((id) => run.world.entries(id)))).flat().length, entriesBefore);
        assert.deepEqual(await run.world.wallet(), walletBefore);
      }
      for (const [id, { body }] of first) {
        const usage = (await run.world.entries(body.subAccountId)).filter((e) => e.usageEventId === id);
        assert.equal(usage.length, 1, `usage ${id} has exactly one entry`);
      }
    }),
    { numRuns: 60 },
  );
});

test('a payment is granted once under duplicated, reordered and parallel confirmations', async () => {
  const confirmation = fc.record({
    via: fc.constantFrom('checkout' as const, 'gateway' as const),
    outcome: fc.constantFrom('succeeded' as const, 'failed' as const, 'canceled' as const, 'processing' as const),
    mismatch: fc.constantFrom(null, null, null, 'amount' as const, 'currency' as const, 'agency' as const),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(confirmation, { minLength: 1, maxLength: 12 }),
      fc.option(fc.integer({ min: 10, max: 2000 }), { nil: null }),
      async (confirmations, custom) => {
        const world = await createWorld();
        const { engine } = world;
        const id = await world.createSub();
        const purchase = await world.buy(
          id,
          custom === null ? { pool: 'voice', packId: PACKS.voice100.id } : { pool: 'voice', credits: custom * CREDIT },
          false,
        );
        const token = checkoutToken(purchase);
        const before = await world.account(id);
        const settled = await Promise.allSettled(
          confirmations.map((c) => {
            if (c.via === 'checkout' && c.outcome !== 'processing' && c.mismatch === null) {
              const action = c.outcome === 'succeeded' ? 'pay' : c.outcome === 'failed' ? 'fail' : 'cancel';
              return engine.completeTestCheckout(purchase.id, token, action);
            }
            return engine.confirmPayment({
              purchaseId: purchase.id,
              agencyId: c.mismatch === 'agency' ? 'ag_someoneelse' : world.agencyId,
              amount: {
                amount: purchase.amount.amount + (c.mismatch === 'amount' ? 1 : 0),
                currency: c.mismatch === 'currency' ? 'EUR' : purchase.amount.currency,
              },
              outcome: c.outcome,
            });
          }),
        );
        settled.forEach((s, i) => {
          const c = confirmations[i];
          if (c?.mismatch) {
            assert.equal(s.status, 'rejected');
            assert.equal(s.status === 'rejected' && (s.reason as PlatformError).code, 'payment_mismatch');
          } else {
            assert.equal(s.status, 'fulfilled', s.status === 'rejected' ? String(s.reason) : '');
          }
        });
        const paid = confirmations.some((c) => c.mismatch === null && c.outcome === 'succeeded');
        const after = await world.account(id);
        const grants = (await world.entries(id)).filter((e) => e.purchaseId === purchase.id);
        assert.equal(grants.length, paid ? 1 : 0);
        if (paid) assert.equal(grants[0]?.kind, 'purchase');
        assert.equal(after.pools.voice.purchased - before.pools.voice.purchased, paid ? purchase.credits : 0);
        const final = await engine.getPurchase(id, purchase.id);
        assert.equal(final.granted, paid);
        if (paid) assert.equal(final.status, 'succeeded');
        else assert.notEqual(final.status, 'succeeded');
      },
    ),
    { numRuns: 80 },
  );
});

test('seq strictly increases across balance events on the bus and across ledger entries', async () => {
  const parallel = fc.record({
    kind: fc.constant('parallel' as const),
    ops: fc.array(usageOp, { minLength: 2, maxLength: 6 }),
  });
  const step = fc.oneof({ arbitrary: anyOp(true), weight: 5 }, { arbitrary: parallel, weight: 1 });
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (list) => {
      const run = await startRun();
      const seen = new Map<string, StreamEvent[]>(run.subs.map((id) => [id, []]));
      const startSeq = new Map<string, number>();
      for (const id of run.subs) startSeq.set(id, (await run.world.account(id)).seq);
      const unsubscribe = run.subs.map((id) =>
        run.world.engine.bus.subscribe(id, (m) => {
          if (m.kind === 'event') seen.get(id)?.push(m.event);
        }),
      );
      try {
        for (const s of list) {
          if (s.kind === 'parallel') await Promise.all(s.ops.map((op) => apply(run, op)));
          else await apply(run, s);
        }
        for (const id of run.subs) {
          const { account } = await checkLedger(run, id);
          const events = seen.get(id) ?? [];
          let lastBalance = startSeq.get(id) ?? 0;
          let last = lastBalance;
          for (const e of events) {
            assert.ok(e.seq >= last, `event seq went back: ${e.seq} after ${last}`);
            last = e.seq;
            if (e.type !== 'balance') continue;
            assert.ok(e.seq > lastBalance, `balance seq ${e.seq} after ${lastBalance}`);
            assert.equal(e.balances.seq, e.seq);
            lastBalance = e.seq;
          }
          assert.equal(lastBalance, account.seq, 'the last balance event carries the current seq');
        }
      } finally {
        for (const off of unsubscribe) off();
      }
    }),
    { numRuns: 50 },
  );
});

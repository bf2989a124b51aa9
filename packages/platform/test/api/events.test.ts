// The live event stream over HTTP (`GET /v1/events`): SSE frames read incrementally from the body,
// resumption with Last-Event-ID, monotonic ids, and closing on revocation and expiry (THREATS 6, 29, 30).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamEvent } from '@creditkit/contract';
import { DEMO_SECRET_KEY } from '@creditkit/mock';
import * as z from 'zod/mini';
import {
  api,
  assertError,
  balances,
  buy,
  checkout,
  claimsOf,
  MINUTE,
  openEvents,
  quote,
  SseReader,
  token,
  type World,
  world,
} from './http.js';

let n = 0;
const spend = (w: World, subAccountId = 'sa_healthy', seconds = 60) =>
  api.post(w.sim, '/v1/usage-events', {
    token: DEMO_SECRET_KEY,
    body: { id: `ev-${n++}`, subAccountId, pool: 'voice', seconds, provider: 'deepgram' },
  });

async function stream(w: World, tok: string, lastEventId?: string | number): Promise<SseReader> {
  const res = await openEvents(w.sim, tok, lastEventId);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  return new SseReader(res.body as ReadableStream<Uint8Array>);
}

/** Parses and checks an event frame against the contract: `id:` is the event's seq. */
function eventOf(frame: { id: string; event: string; data: string }): StreamEvent {
  const data = JSON.parse(frame.data);
  const parsed = z.safeParse(StreamEvent, data);
  assert.ok(parsed.success, `frame breaks the StreamEvent schema: ${frame.data.slice(0, 200)}`);
  assert.equal(frame.event, data.type);
  assert.equal(frame.id, String(data.seq));
  if (data.type === 'balance') assert.ok(data.prevSeq <= data.seq, `prevSeq ${data.prevSeq} after seq ${data.seq}`);
  return data;
}

describe('event stream over HTTP', () => {
  test('GET /v1/events opens with a balance snapshot, then a usage event brings a balance frame with a higher id', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const reader = await stream(w, tok);
    try {
      const open = await reader.next();
      assert.ok(open?.comments.includes('open'), 'an immediate comment so Firefox resolves fetch()');
      assert.equal(open?.retry, '2000');
      const first = await reader.nextEvent();
      assert.ok(first);
      const snap = eventOf(first);
      assert.equal(snap.type, 'balance');
      const current = await balances(w.sim, tok);
      assert.equal(snap.seq, current.seq);
      if (snap.type === 'balance') assert.deepEqual(snap.balances, current);

      const r = await spend(w);
      assert.equal(r.status, 200, r.text);
      const next = await reader.nextEvent();
      assert.ok(next);
      const live = eventOf(next);
      assert.equal(live.type, 'balance');
      assert.ok(Number(next.id) > Number(first.id));
      if (live.type === 'balance') {
        assert.equal(live.balances.voice.available, current.voice.available - r.body.charged.client);
      }
    } finally {
      await reader.cancel();
    }
    w.assertNoInternalErrors();
  });

  test('Last-Event-ID resumes with exactly the missed events, then live ones; ids never decrease', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const s0 = (await balances(w.sim, tok)).seq;
    // The client saw s0, lost its connection; three calls happen meanwhile.
    for (let i = 0; i < 3; i++) assert.equal((await spend(w)).status, 200);
    const reader = await stream(w, tok, s0);
    try {
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const frame = await reader.nextEvent();
        assert.ok(frame);
        eventOf(frame);
        ids.push(Number(frame.id));
      }
      assert.deepEqual(ids, [s0 + 1, s0 + 2, s0 + 3]);
      assert.equal((await spend(w)).status, 200);
      const live = await reader.nextEvent();
      assert.ok(live);
      assert.equal(Number(live.id), s0 + 4);
    } finally {
      await reader.cancel();
    }

    // Resuming at the current seq replays nothing: the next frame is the next change.
    const at = (await balances(w.sim, tok)).seq;
    const caughtUp = await stream(w, tok, at);
    try {
      await caughtUp.next(); // ': open'
      assert.equal((await spend(w)).status, 200);
      const frame = await caughtUp.nextEvent();
      assert.equal(Number(frame?.id), at + 1);
    } finally {
      await caughtUp.cancel();
    }

    // A Last-Event-ID that is not a number is ignored: a fresh snapshot.
    const junk = await stream(w, tok, 'not-a-number');
    try {
      const frame = await junk.nextEvent();
      assert.ok(frame);
      assert.equal(frame.event, 'balance');
      assert.equal(Number(frame.id), (await balances(w.sim, tok)).seq);
    } finally {
      await junk.cancel();
    }
    w.assertNoInternalErrors();
  });

  test('THREATS 30: a Last-Event-ID ahead of the account’s seq (another account’s or an old simulator’s) gets a fresh snapshot, not silence', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const seq = (await balances(w.sim, tok)).seq;
    const reader = await stream(w, tok, seq + 100);
    try {
      const snap = await reader.nextEvent(1000);
      assert.ok(snap, 'a snapshot of the real state');
      assert.equal(Number(snap.id), seq);
      assert.equal((await spend(w)).status, 200);
      const live = await reader.nextEvent(1000);
      assert.ok(live, 'later changes still arrive');
      assert.equal(Number(live.id), seq + 1);
    } finally {
      await reader.cancel();
    }
    w.assertNoInternalErrors();
  });

  test('a purchase paid while streaming brings purchase and balance frames; ids never decrease', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const reader = await stream(w, tok);
    try {
      const first = await reader.nextEvent();
      assert.ok(first);
      const q = await quote(w.sim, tok);
      const p = (await buy(w.sim, tok, q.id)).body;
      await checkout(w.sim, p, 'pay');
      await spend(w);
      const plan = await api.post(w.sim, '/v1/plan-changes', {
        token: tok,
        key: 'plan-change-1',
        body: { planId: 'plan_scale' },
      });
      assert.equal(plan.status, 201, plan.text);
      const seen: StreamEvent[] = [];
      let last = Number(first.id);
      const final = (await balances(w.sim, tok)).seq;
      while (last < final || !seen.some((e) => e.type === 'plan')) {
        const frame = await reader.nextEvent();
        assert.ok(frame, 'stream ended early');
        const event = eventOf(frame);
        assert.ok(Number(frame.id) >= last, `id went back: ${frame.id} after ${last}`);
        last = Number(frame.id);
        seen.push(event);
      }
      const purchase = seen.find((e) => e.type === 'purchase');
      assert.ok(purchase && purchase.type === 'purchase');
      assert.equal(purchase.purchase.id, p.id);
      assert.equal(purchase.purchase.status, 'succeeded');
      const plans = seen.filter((e) => e.type === 'plan');
      assert.equal(plans.length, 1);
      assert.ok(plans[0]?.type === 'plan' && plans[0].currentPlanId === 'plan_scale');
    } finally {
      await reader.cancel();
    }
    w.assertNoInternalErrors();
  });

  test('one account’s stream never carries another account’s events', async () => {
    const w = await world();
    const a = await token(w.sim, 'healthy');
    const reader = await stream(w, a);
    try {
      await reader.nextEvent();
      assert.equal((await spend(w, 'sa_low', 5)).status, 200);
      assert.equal((await spend(w, 'sa_healthy', 5)).status, 200);
      const frame = await reader.nextEvent();
      assert.ok(frame);
      const event = eventOf(frame);
      assert.equal(event.seq, (await balances(w.sim, a)).seq);
      if (event.type === 'balance') assert.deepEqual(event.balances, await balances(w.sim, a));
    } finally {
      await reader.cancel();
    }
    w.assertNoInternalErrors();
  });

  test('THREATS 16: when the agency wallet is refilled, a paused client’s stream shows the status flip', async () => {
    const w = await world();
    const tok = await token(w.sim, 'paused');
    const reader = await stream(w, tok);
    try {
      const first = await reader.nextEvent();
      assert.ok(first);
      const before = eventOf(first);
      assert.ok(before.type === 'balance' && before.balances.voice.status === 'paused');
      await w.sim.controls.setAgencyWallet('paused', 'voice', 5_000_000);
      const next = await reader.nextEvent();
      assert.ok(next);
      const after = eventOf(next);
      assert.ok(Number(next.id) > Number(first.id));
      assert.ok(after.type === 'balance');
      assert.notEqual(after.balances.voice.status, 'paused');
      assert.ok(!next.data.includes('5000000'), 'the agency wallet is not revealed');
    } finally {
      await reader.cancel();
    }
    w.assertNoInternalErrors();
  });

  test('heartbeats arrive as SSE comments', async () => {
    const w = await world({ handler: { heartbeatMs: 25 } });
    const tok = await token(w.sim);
    const reader = await stream(w, tok);
    try {
      let beat = false;
      for (let i = 0; i < 10 && !beat; i++) beat = Boolean((await reader.next(1000))?.comments.includes('heartbeat'));
      assert.ok(beat);
    } finally {
      await reader.cancel();
    }
    w.assertNoInternalErrors();
  });

  test('THREATS 6: the stream closes when its token is revoked; the token then gets 401; other sessions stay live', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const other = await token(w.sim);
    const revoked = await stream(w, tok);
    const kept = await stream(w, other);
    try {
      assert.ok(await revoked.nextEvent());
      assert.ok(await kept.nextEvent());
      await w.sim.engine.revokeSession(claimsOf(tok).jti);
      const rest = await revoked.untilClosed(1000);
      assert.ok(rest.every((f) => f.event === undefined || f.event === 'balance'));
      assert.equal(revoked.done, true);
      assertError(await api.get(w.sim, '/v1/events', { token: tok }), 401, 'unauthorized');

      assert.equal((await spend(w)).status, 200);
      const frame = await kept.nextEvent();
      assert.ok(frame, 'the other session’s stream is still open');
      assert.equal(frame.event, 'balance');
    } finally {
      await revoked.cancel();
      await kept.cancel();
    }
    w.assertNoInternalErrors();
  });

  test('the stream closes when its token expires; reconnecting with it is 401 session_expired', async () => {
    const w = await world();
    const { token: short, expiresAt } = await w.sim.session('healthy', 1);
    assert.equal(Date.parse(expiresAt) - w.clock.now(), 1000);
    const reader = await stream(w, short);
    const started = Date.now();
    try {
      assert.ok(await reader.nextEvent());
      await reader.untilClosed(3000);
      assert.equal(reader.done, true);
      const took = Date.now() - started;
      assert.ok(took >= 900 && took < 2500, `closed after ${took} ms`);
    } finally {
      await reader.cancel();
    }
    w.clock.advance(1000);
    assertError(await api.get(w.sim, '/v1/events', { token: short }), 401, 'session_expired');

    // A 15-minute token: the stream's deadline is the token's.
    const tok = await token(w.sim);
    w.clock.advance(15 * MINUTE);
    assertError(await api.get(w.sim, '/v1/events', { token: tok }), 401, 'session_expired');
    w.assertNoInternalErrors();
  });

  test('a stream whose token expired on the server clock delivers nothing more and closes', async () => {
    const w = await world({ handler: { heartbeatMs: 20 } });
    const tok = await token(w.sim);
    const reader = await stream(w, tok);
    try {
      assert.ok(await reader.nextEvent());
      // The server clock passes the token's expiry (tab asleep); the real-time timer has not fired yet.
      w.clock.advance(15 * MINUTE);
      assert.equal((await spend(w)).status, 200);
      const rest = await reader.untilClosed(1000);
      assert.deepEqual(
        rest.filter((f) => f.event !== undefined),
        [],
        'no account data is pushed on an expired session',
      );
      assert.equal(reader.done, true);
    } finally {
      await reader.cancel();
    }
    w.assertNoInternalErrors();
  });

  test('THREATS 30: after a dropped connection, reconnecting with the last id seen delivers exactly the missed frames', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const reader = await stream(w, tok);
    const seen = (await reader.nextEvent())?.id;
    await reader.cancel();
    for (let i = 0; i < 3; i++) await spend(w);
    // Reconnect with the last id seen: the three missed balance frames, in order, no duplicates.
    const again = await stream(w, tok, seen);
    try {
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push(Number((await again.nextEvent())?.id));
      assert.deepEqual(ids, [Number(seen) + 1, Number(seen) + 2, Number(seen) + 3]);
    } finally {
      await again.cancel();
    }
    w.assertNoInternalErrors();
  });
});

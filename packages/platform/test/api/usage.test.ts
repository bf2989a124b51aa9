// Usage over HTTP (`POST /v1/usage-events`, agency secret key): idempotency by id, strict input
// validation, dual gating and the race for the last credits (THREATS 15–17).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEMO_SECRET_KEY } from '@creditkit/mock';
import {
  api,
  assertError,
  balances,
  entriesOf,
  openEvents,
  SseReader,
  snapshot,
  token,
  unchanged,
  type World,
  world,
} from './http.js';

const PAUSED_KEY = 'ck_sk_test_brightwave_paused';
let eventCounter = 0;
const eventId = (label = 'ev') => `${label}-${(eventCounter++).toString(36)}`;

const usage = (w: World, body: unknown, secret = DEMO_SECRET_KEY) =>
  api.post(w.sim, '/v1/usage-events', { token: secret, body });
const usageRaw = (w: World, raw: string, secret = DEMO_SECRET_KEY) =>
  api.post(w.sim, '/v1/usage-events', { token: secret, raw });

const voice = (over: Record<string, unknown> = {}) => ({
  id: eventId('voice'),
  subAccountId: 'sa_healthy',
  pool: 'voice',
  seconds: 30,
  provider: 'deepgram',
  ...over,
});
const sms = (over: Record<string, unknown> = {}) => ({
  id: eventId('sms'),
  subAccountId: 'sa_healthy',
  pool: 'sms',
  count: 1,
  country: 'US',
  ...over,
});

const usageEntries = async (w: World, accountId: string) =>
  (await entriesOf(w.sim, accountId)).filter((e) => e.kind === 'usage');

describe('usage over HTTP', () => {
  test('THREATS 15: a usage event replayed with the same id is charged once (replayed: true)', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const before = await balances(w.sim, tok);
    const event = voice({ seconds: 2 });
    const first = await usage(w, event);
    assert.equal(first.status, 200, first.text);
    // Growth plan: deepgram 900 millicredits/min for the client, 600 for the agency; 2 s is 2 s, not a minute.
    assert.deepEqual(first.body.charged, { client: 30, agency: 20 });
    assert.equal(first.body.replayed, false);

    const again = await unchanged(w.sim, () => usage(w, event));
    assert.equal(again.status, 200);
    assert.equal(again.body.replayed, true);
    assert.deepEqual({ ...again.body, replayed: false }, first.body);

    // Parallel replays (a retrying agency backend) change nothing either.
    const burst = await unchanged(w.sim, () => Promise.all(Array.from({ length: 5 }, () => usage(w, event))));
    for (const r of burst) {
      assert.equal(r.status, 200);
      assert.equal(r.body.replayed, true);
    }
    const entries = (await usageEntries(w, 'sa_healthy')).filter((e) => e.usageEventId === event.id);
    assert.equal(entries.length, 1);
    const after = await balances(w.sim, tok);
    assert.equal(after.voice.available, before.voice.available - 30);

    // The same id with other values is a conflict, not a second charge.
    assertError(await unchanged(w.sim, () => usage(w, { ...event, seconds: 3 })), 409, 'usage_event_conflict');
    w.assertNoInternalErrors();
  });

  test('THREATS 15: the same usage id in parallel, first time, is charged once', async () => {
    const w = await world();
    const event = sms({ count: 3 });
    const replies = await Promise.all(Array.from({ length: 8 }, () => usage(w, event)));
    assert.ok(replies.every((r) => r.status === 200));
    assert.equal(replies.filter((r) => !r.body.replayed).length, 1);
    assert.equal((await usageEntries(w, 'sa_healthy')).filter((e) => e.usageEventId === event.id).length, 1);
    w.assertNoInternalErrors();
  });

  const invalid: [string, unknown][] = [
    ['negative seconds', voice({ seconds: -5 })],
    ['zero seconds', voice({ seconds: 0 })],
    ['negative count', sms({ count: -1 })],
    ['zero count', sms({ count: 0 })],
    ['NaN as a string', voice({ seconds: 'NaN' })],
    ['NaN as null (what JSON.stringify makes of NaN)', voice({ seconds: null })],
    ['Infinity as a string', voice({ seconds: 'Infinity' })],
    ['huge seconds (over the 1,000,000 limit)', voice({ seconds: 1_000_001 })],
    ['huge count', sms({ count: 10_000_000 })],
    ['beyond safe integers', voice({ seconds: 2 ** 53 + 2 })],
    ['Number.MAX_VALUE', voice({ seconds: Number.MAX_VALUE })],
    ['fractional seconds', voice({ seconds: 1.5 })],
    ['fractional count', sms({ count: 2.5 })],
    ['tiny fraction', voice({ seconds: 1e-9 })],
    ['seconds as a string', voice({ seconds: '30' })],
    ['count as a string', sms({ count: '3' })],
    ['seconds as an array', voice({ seconds: [30] })],
    ['seconds as an object', voice({ seconds: { value: 30 } })],
    ['seconds as a boolean', voice({ seconds: true })],
    ['missing id', (({ id: _, ...rest }) => rest)(voice())],
    ['missing subAccountId', (({ subAccountId: _, ...rest }) => rest)(voice())],
    ['missing pool', (({ pool: _, ...rest }) => rest)(voice())],
    ['missing seconds', (({ seconds: _, ...rest }) => rest)(voice())],
    ['missing provider', (({ provider: _, ...rest }) => rest)(voice())],
    ['missing count', (({ count: _, ...rest }) => rest)(sms())],
    ['missing country', (({ country: _, ...rest }) => rest)(sms())],
    ['empty object', {}],
    ['unknown provider', voice({ provider: 'whisper' })],
    ['provider in the wrong case', voice({ provider: 'Deepgram' })],
    ['malformed country (lower case)', sms({ country: 'us' })],
    ['malformed country (three letters)', sms({ country: 'USA' })],
    ['malformed country (empty)', sms({ country: '' })],
    ['unknown pool', voice({ pool: 'data' })],
    ['voice fields on an sms event', sms({ seconds: 30, provider: 'deepgram' })],
    ['an sms count on a voice event', voice({ count: 1 })],
    ['extra field: price', voice({ price: 1 })],
    ['extra field: charged', voice({ charged: { client: 0, agency: 0 } })],
    ['extra field: agencyId', voice({ agencyId: 'ag_brightwaveexternal' })],
    ['id with spaces', voice({ id: 'has spaces' })],
    ['id too long', voice({ id: 'x'.repeat(129) })],
    ['empty id', voice({ id: '' })],
    ['id as a number', voice({ id: 42 })],
    ['malformed subAccountId', voice({ subAccountId: 'healthy' })],
    ['an array body', [voice()]],
    ['a null body', null],
    ['a string body', 'voice'],
  ];
  for (const [label, body] of invalid) {
    test(`THREATS 15: ${label} → 400 invalid_request, no entry`, async () => {
      const w = await world();
      const r = await unchanged(w.sim, () => usage(w, body));
      assertError(r, 400, 'invalid_request');
      w.assertNoInternalErrors();
    });
  }

  const raw: [string, string][] = [
    [
      'Infinity as 1e400 (JSON.parse makes it Infinity)',
      '{"id":"inf-1","subAccountId":"sa_healthy","pool":"voice","seconds":1e400,"provider":"deepgram"}',
    ],
    ['-Infinity as -1e400', '{"id":"inf-2","subAccountId":"sa_healthy","pool":"sms","count":-1e400,"country":"US"}'],
    [
      'a bare NaN (not JSON)',
      '{"id":"nan-1","subAccountId":"sa_healthy","pool":"voice","seconds":NaN,"provider":"deepgram"}',
    ],
    [
      'a bare Infinity (not JSON)',
      '{"id":"inf-3","subAccountId":"sa_healthy","pool":"voice","seconds":Infinity,"provider":"deepgram"}',
    ],
    [
      '1e2 is 100 but 1.5e0 is fractional',
      '{"id":"exp-1","subAccountId":"sa_healthy","pool":"voice","seconds":1.5e0,"provider":"deepgram"}',
    ],
    ['broken JSON', '{"id":"broken","subAccountId":'],
    [
      'a duplicate key smuggling a fraction',
      '{"id":"dup","subAccountId":"sa_healthy","pool":"voice","seconds":30,"provider":"deepgram","seconds":0.5}',
    ],
  ];
  for (const [label, text] of raw) {
    test(`THREATS 15: ${label} → 400 invalid_request, no entry`, async () => {
      const w = await world();
      const r = await unchanged(w.sim, () => usageRaw(w, text));
      assertError(r, 400, 'invalid_request');
      w.assertNoInternalErrors();
    });
  }

  test('THREATS 15: a well-formed country without a rate is 422 rate_not_found, no entry', async () => {
    // Decided from the code: the schema accepts any two upper-case letters; the rate card has no `ZZ`.
    const w = await world();
    for (const country of ['ZZ', 'JP']) {
      assertError(await unchanged(w.sim, () => usage(w, sms({ country }))), 422, 'rate_not_found');
    }
    w.assertNoInternalErrors();
  });

  test('THREATS 15: usage needs the agency secret key, for its own sub-accounts only', async () => {
    const w = await world();
    const session = await token(w.sim);
    assertError(await unchanged(w.sim, () => usage(w, voice(), session)), 401, 'unauthorized');
    assertError(await unchanged(w.sim, () => usage(w, voice(), 'ck_sk_test_wrong')), 401, 'unauthorized');
    assertError(
      await unchanged(w.sim, () => api.post(w.sim, '/v1/usage-events', { body: voice() })),
      401,
      'unauthorized',
    );
    // Another agency’s sub-account does not exist for this key.
    assertError(await unchanged(w.sim, () => usage(w, voice({ subAccountId: 'sa_external' }))), 404, 'not_found');
    assertError(await unchanged(w.sim, () => usage(w, voice({ subAccountId: 'sa_nobody' }))), 404, 'not_found');
    // A body over the size limit.
    const huge = JSON.stringify({ ...voice(), pad: 'x'.repeat(70 * 1024) });
    assertError(await unchanged(w.sim, () => usageRaw(w, huge)), 400, 'invalid_request');
    w.assertNoInternalErrors();
  });

  test('THREATS 16: the client has credits but the agency wallet is empty → service_paused, neither charged, status paused', async () => {
    const w = await world();
    const tok = await token(w.sim, 'paused');
    const b = await balances(w.sim, tok);
    assert.ok(b.voice.available > 0 && b.sms.available > 0, 'the client has credits');
    assert.equal(b.voice.status, 'paused');
    assert.equal(b.sms.status, 'paused');
    for (const body of [voice({ subAccountId: 'sa_paused' }), sms({ subAccountId: 'sa_paused' })]) {
      const r = await unchanged(w.sim, () => usage(w, body, PAUSED_KEY));
      assertError(r, 402, 'service_paused');
      assert.doesNotMatch(r.body.error.message, /wallet|balance|\d/i, 'the message reveals nothing about the agency');
    }
    assert.equal((await usageEntries(w, 'sa_paused')).length, 0);
    assert.deepEqual(await balances(w.sim, tok), b);
    w.assertNoInternalErrors();
  });

  test('THREATS 16: the agency’s wallet balance appears nowhere in what the client can read', async () => {
    const w = await world();
    const WALLET = 7_654_321; // distinctive: sms is funded, voice stays empty (paused)
    await w.sim.controls.setAgencyWallet('paused', 'sms', WALLET);
    const wallet = await api.get(w.sim, '/v1/agency/wallet', { token: PAUSED_KEY });
    assert.deepEqual(wallet.body.balances, { voice: 0, sms: WALLET });

    const tok = await token(w.sim, 'paused');
    const widget = await api.get(w.sim, '/v1/widget', { token: tok });
    assert.equal(widget.status, 200);
    assert.equal(widget.body.balances.voice.status, 'paused');
    assert.notEqual(widget.body.balances.sms.status, 'paused');
    const texts = [widget.text, (await api.get(w.sim, '/v1/balances', { token: tok })).text];
    const stream = await openEvents(w.sim, tok);
    const reader = new SseReader(stream.body as ReadableStream<Uint8Array>);
    const first = await reader.nextEvent();
    await reader.cancel();
    texts.push(first?.data ?? '');
    for (const text of texts) {
      assert.ok(!text.includes(String(WALLET)), 'the agency wallet balance leaked');
      assert.doesNotMatch(text, /wallet|platformRates/i);
    }
    // Nor do the platform (agency cost) rates: 0.7× the agency's.
    assert.ok(!JSON.stringify(widget.body.rateCard).includes('"US":116'));
    // Usage on the funded pool goes through; on the empty one it is paused.
    assert.equal((await usage(w, sms({ subAccountId: 'sa_paused' }), PAUSED_KEY)).status, 200);
    assertError(
      await unchanged(w.sim, () => usage(w, voice({ subAccountId: 'sa_paused' }), PAUSED_KEY)),
      402,
      'service_paused',
    );
    w.assertNoInternalErrors();
  });

  test('THREATS 16: the reverse — the client is depleted, the agency has credits → insufficient_credits, neither charged', async () => {
    const w = await world();
    const tok = await token(w.sim, 'depleted');
    const b = await balances(w.sim, tok);
    assert.equal(b.voice.available, 0);
    assert.equal(b.voice.status, 'depleted');
    const walletBefore = (await api.get(w.sim, '/v1/agency/wallet', { token: DEMO_SECRET_KEY })).body.balances;
    assert.ok(walletBefore.voice > 0 && walletBefore.sms > 0);
    const entriesBefore = (await usageEntries(w, 'sa_depleted')).length;
    // Voice: nothing left. SMS: 80 millicredits left, less than one US message (166).
    for (const body of [voice({ subAccountId: 'sa_depleted' }), sms({ subAccountId: 'sa_depleted' })]) {
      assertError(await unchanged(w.sim, () => usage(w, body)), 402, 'insufficient_credits');
    }
    assert.equal((await usageEntries(w, 'sa_depleted')).length, entriesBefore);
    assert.deepEqual(
      (await api.get(w.sim, '/v1/agency/wallet', { token: DEMO_SECRET_KEY })).body.balances,
      walletBefore,
    );
    assert.deepEqual(await balances(w.sim, tok), b);
    w.assertNoInternalErrors();
  });

  test('THREATS 16: a capped client is refused usage_capped, neither charged', async () => {
    const w = await world();
    assertError(await unchanged(w.sim, () => usage(w, voice({ subAccountId: 'sa_capped' }))), 402, 'usage_capped');
    w.assertNoInternalErrors();
  });

  test('THREATS 17: 100 parallel 1-SMS events against a client balance good for exactly 10 → exactly 10 succeed, never below 0', async () => {
    const w = await world();
    const created = await api.post(w.sim, '/v1/sub-accounts', {
      token: DEMO_SECRET_KEY,
      body: { name: 'Race Test Bakery', planId: 'plan_starter' },
    });
    assert.equal(created.status, 201, created.text);
    const id: string = created.body.id;
    const session = await api.post(w.sim, '/v1/sessions', { token: DEMO_SECRET_KEY, body: { subAccountId: id } });
    const tok: string = session.body.token;
    const widget = (await api.get(w.sim, '/v1/widget', { token: tok })).body;
    const rate: number = widget.rateCard.sms.US;
    const start: number = widget.balances.sms.available;
    // Drain to a balance good for exactly 10 messages (plus a remainder smaller than one).
    const drain = Math.floor(start / rate) - 10;
    const drained = await usage(w, sms({ subAccountId: id, count: drain }));
    assert.equal(drained.status, 200, drained.text);
    const left: number = (await balances(w.sim, tok)).sms.available;
    assert.equal(Math.floor(left / rate), 10);

    const stream = await openEvents(w.sim, tok);
    const reader = new SseReader(stream.body as ReadableStream<Uint8Array>);
    await reader.nextEvent();
    const walletBefore: number = (await api.get(w.sim, '/v1/agency/wallet', { token: DEMO_SECRET_KEY })).body.balances
      .sms;

    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => usage(w, sms({ id: `race-${i}`, subAccountId: id, count: 1 }))),
    );
    const ok = replies.filter((r) => r.status === 200);
    assert.equal(ok.length, 10);
    for (const r of replies) if (r.status !== 200) assertError(r, 402, 'insufficient_credits');
    for (const r of ok) assert.equal(r.body.charged.client, rate);

    const after = await balances(w.sim, tok);
    assert.equal(after.sms.available, left - 10 * rate);
    assert.ok(after.sms.available >= 0);
    const entries = await entriesOf(w.sim, id);
    assert.equal(entries.filter((e) => e.kind === 'usage' && e.usageEventId?.startsWith('race-')).length, 10);
    for (const e of entries) assert.ok(e.balanceAfter.available >= 0, `entry ${e.seq} went below zero`);
    const platformRate: number = (await api.get(w.sim, '/v1/agency/wallet', { token: DEMO_SECRET_KEY })).body
      .platformRates.sms.US;
    const walletAfter: number = (await api.get(w.sim, '/v1/agency/wallet', { token: DEMO_SECRET_KEY })).body.balances
      .sms;
    assert.equal(walletAfter, walletBefore - 10 * platformRate, 'the agency is charged for exactly the 10 served');

    // Every balance the client was shown during the race was ≥ 0, with seq only going up.
    let lastSeq = -1;
    let seen = 0;
    while (seen < 10) {
      const frame = await reader.nextEvent();
      assert.ok(frame, 'stream ended early');
      if (frame.event !== 'balance') continue;
      const data = JSON.parse(frame.data);
      assert.ok(data.balances.sms.available >= 0);
      assert.ok(Number(frame.id) > lastSeq);
      lastSeq = Number(frame.id);
      seen += 1;
    }
    await reader.cancel();
    w.assertNoInternalErrors();
  });

  test('THREATS 17: 100 parallel 1-SMS events against an agency wallet good for exactly 10 → exactly 10 succeed, wallet never below 0', async () => {
    const w = await world();
    const wallet = (await api.get(w.sim, '/v1/agency/wallet', { token: PAUSED_KEY })).body;
    const platformRate: number = wallet.platformRates.sms.US;
    await w.sim.controls.setAgencyWallet('paused', 'sms', 10 * platformRate + Math.floor(platformRate / 2));
    const tok = await token(w.sim, 'paused');
    const before = await balances(w.sim, tok);
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        usage(w, sms({ id: `wrace-${i}`, subAccountId: 'sa_paused', count: 1 }), PAUSED_KEY),
      ),
    );
    assert.equal(replies.filter((r) => r.status === 200).length, 10);
    for (const r of replies) if (r.status !== 200) assertError(r, 402, 'service_paused');
    const after = (await api.get(w.sim, '/v1/agency/wallet', { token: PAUSED_KEY })).body.balances.sms;
    assert.equal(after, Math.floor(platformRate / 2));
    const clientRate: number = (await api.get(w.sim, '/v1/widget', { token: tok })).body.rateCard.sms.US;
    assert.equal((await balances(w.sim, tok)).sms.available, before.sms.available - 10 * clientRate);
    for (const e of await entriesOf(w.sim, 'ag_brightwavepaused')) {
      assert.ok(e.balanceAfter.available >= 0, `wallet entry ${e.seq} went below zero`);
    }
    w.assertNoInternalErrors();
  });

  test('a voice call longer than the balance is cut off at what both can pay, and the snapshot shows it', async () => {
    const w = await world();
    const tok = await token(w.sim, 'low');
    const before = await balances(w.sim, tok);
    // 12 credits left at 1000 millicredits/minute: 12 minutes = 720 s served of 3600 asked.
    const r = await usage(w, voice({ subAccountId: 'sa_low', seconds: 3600 }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.cutOff, true);
    assert.deepEqual(r.body.usage, { kind: 'voice', seconds: 720, provider: 'deepgram' });
    assert.equal(r.body.charged.client, before.voice.available);
    assert.equal(r.body.status, 'depleted');
    const after = await balances(w.sim, tok);
    assert.equal(after.voice.available, 0);
    assert.equal(after.voice.status, 'depleted');
    assert.ok(after.seq > before.seq);
    const snap = await snapshot(w.sim);
    assertError(await usage(w, voice({ subAccountId: 'sa_low' })), 402, 'insufficient_credits');
    assert.deepEqual(await snapshot(w.sim), snap);
    w.assertNoInternalErrors();
  });
});

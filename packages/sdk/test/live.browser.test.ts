// Live updates: THREATS 29, 30, 31, 32, plus heartbeat timeout, polling fallback, coalescing and destroy().

import type { Balances } from '@creditkit/contract';
import { expect } from '@open-wc/testing';
import type { CreditkitError } from '../src/index.js';
import { API, cleanup, fakeStream, jtiOf, lastToken, setup, sleep, startWorker, until } from './helpers.js';

/** Makes `document.hidden` say what the test wants, and tells the page. */
function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('sdk: live updates', () => {
  before(startWorker);
  afterEach(() => {
    cleanup();
    // Back to the real getters.
    delete (document as { hidden?: boolean }).hidden;
    delete (document as { visibilityState?: string }).visibilityState;
  });

  it('THREATS 29: events out of order (5, 3, 4, 7) never move the seq back; a gap (seq < prevSeq) triggers a refetch', async () => {
    const stream = fakeStream();
    const { client, count } = await setup({
      intercept: (next) => async (input, init) =>
        String(input).endsWith('/v1/events') ? stream.response : next(input, init),
    });
    client.connect();
    await until(() => client.$seq.get() >= 0, 'bootstrap');
    stream.send(': open\n\n');
    await until(() => client.$connection.get() === 'live', 'live');
    const base = client.$seq.get();
    const snapshot = (await client.refresh()) as Balances;
    const refetches = count('GET /v1/balances');
    const seen: number[] = [];
    client.$seq.subscribe((seq) => seen.push(seq));
    const frame = (offset: number) => {
      const seq = base + offset;
      const balances = { ...snapshot, seq, voice: { ...snapshot.voice, available: snapshot.voice.available - offset } };
      return `id: ${seq}\nevent: balance\ndata: ${JSON.stringify({ type: 'balance', seq, prevSeq: seq - 1, balances })}\n\n`;
    };
    stream.send(frame(5) + frame(3));
    stream.send(frame(4));
    await sleep(150);
    stream.send(frame(7));
    await until(
      () => client.$seq.get() === base + 7,
      `seq 7 (seen ${seen}; base ${base}; error ${client.$error.get()?.message})`,
    );
    expect(seen).to.deep.equal([base, base + 5, base + 7]);
    expect(client.$balances.voice.get()?.available).to.equal(snapshot.voice.available - 7);
    expect(count('GET /v1/balances')).to.be.greaterThan(refetches); // the gaps were re-read
    await sleep(150);
    expect(client.$seq.get()).to.equal(base + 7); // the refetched (older) snapshot did not win

    // A malformed event: a typed protocol error, the state stays.
    stream.send(`id: ${base + 8}\nevent: balance\ndata: {"type":"balance","seq":"x"}\n\n`);
    await until(() => client.$error.get()?.code === 'protocol', 'protocol error');
    expect(client.$error.get()?.endpoint).to.equal('GET /v1/events');
    expect(client.$seq.get()).to.equal(base + 7);
  });

  it('THREATS 29: a chunk of balance events → only the newest is checked and applied; a gap anywhere in it still re-reads; every purchase and plan event applies', async () => {
    const stream = fakeStream();
    const { client, count } = await setup({
      intercept: (next) => async (input, init) =>
        String(input).endsWith('/v1/events') ? stream.response : next(input, init),
    });
    client.connect();
    await until(() => client.$seq.get() >= 0, 'bootstrap');
    stream.send(': open\n\n');
    await until(() => client.$connection.get() === 'live', 'live');
    const snapshot = (await client.refresh()) as Balances;
    const base = snapshot.seq;
    const balance = (seq: number, prevSeq: number, available: unknown = snapshot.voice.available - (seq - base)) =>
      `id: ${seq}\nevent: balance\ndata: ${JSON.stringify({ type: 'balance', seq, prevSeq, balances: { ...snapshot, seq, voice: { ...snapshot.voice, available } } })}\n\n`;
    const voiceWrites: number[] = [];
    const off = client.$balances.voice.listen((b) => voiceWrites.push(b?.available as number));

    // A chain without a gap, one older snapshot malformed: it is superseded, never checked; one write.
    let reads = count('GET /v1/balances');
    stream.send(balance(base + 1, base, 'broken') + balance(base + 2, base + 1) + balance(base + 3, base + 2));
    await until(() => client.$seq.get() === base + 3, 'the newest of the chunk');
    await sleep(150);
    expect(client.$error.get()).to.equal(null);
    expect(voiceWrites).to.deep.equal([snapshot.voice.available - 3]);
    expect(count('GET /v1/balances')).to.equal(reads); // nothing missed: no re-read

    // base+5 is missing in the middle of this chunk (base+6 follows base+5): re-read, though the newest
    // follows the one before it.
    reads = count('GET /v1/balances');
    stream.send(balance(base + 4, base + 3) + balance(base + 6, base + 5) + balance(base + 7, base + 6));
    await until(() => count('GET /v1/balances') > reads, 'a re-read for the gap');

    // Purchase and plan events in a chunk with balances: each applied.
    const purchase = (id: string, status: string) =>
      `event: purchase\ndata: ${JSON.stringify({ type: 'purchase', seq: base + 8, purchase: { id, quoteId: 'qt_x', pool: 'voice', credits: 1000, amount: { amount: 100, currency: 'USD' }, status, checkoutUrl: null, createdAt: snapshot.periodStart, granted: false, refunded: false, failureCode: null } })}\n\n`;
    const plan = `event: plan\ndata: ${JSON.stringify({ type: 'plan', seq: base + 9, currentPlanId: 'plan_scale', rateCard: client.$rateCard.get() })}\n\n`;
    stream.send(
      purchase('pur_a', 'processing') +
        balance(base + 8, base + 7) +
        purchase('pur_b', 'canceled') +
        plan +
        balance(base + 9, base + 8),
    );
    await until(() => client.$currentPlanId.get() === 'plan_scale', 'the plan event');
    expect(Object.keys(client.$purchases.get())).to.include.members(['pur_a', 'pur_b']);
    await until(() => client.$seq.get() >= base + 9, 'the newest balance');

    // The newest broken: a typed protocol error, the state kept.
    const seq = client.$seq.get();
    stream.send(balance(seq + 1, seq) + balance(seq + 2, seq + 1, 1.5));
    await until(() => client.$error.get()?.code === 'protocol', 'protocol error');
    expect(client.$error.get()?.endpoint).to.equal('GET /v1/events');
    expect(client.$seq.get()).to.be.at.most(seq + 1);
    off();
  });

  it('THREATS 30: a cut stream resumes with Last-Event-ID and misses nothing', async () => {
    const { client, sim, calls } = await setup({ simulator: { chaos: { dropStreamAfterMs: 250 } } });
    client.connect();
    await until(() => client.$connection.get() === 'live', 'live');
    const seq = client.$seq.get();
    await until(() => calls.filter((c) => c.path === '/v1/events').length >= 2, 'a reconnect');
    const reconnect = calls.filter((c) => c.path === '/v1/events')[1];
    expect(reconnect?.headers.get('last-event-id')).to.equal(String(seq));
    // Usage while the stream is being cut and resumed still arrives.
    sim.chaos.dropStreamAfterMs = undefined;
    const before = client.$balances.voice.get()?.available as number;
    await sim.controls.call('healthy', 120, 'deepgram');
    await until(() => client.$balances.voice.get()?.available === before - 1800, 'the call');
    expect(client.$seq.get()).to.be.greaterThan(seq);
  });

  it('THREATS 30: a 401 on the stream (revoked token) refreshes the token once and reconnects', async () => {
    const { client, sim, calls, sessions } = await setup();
    client.connect();
    await until(() => client.$connection.get() === 'live', 'live');
    await sim.engine.revokeSession(jtiOf(lastToken(calls, '/v1/events')));
    await until(() => calls.filter((c) => c.path === '/v1/events' && c.status === 200).length === 2, 'reconnected');
    expect(calls.filter((c) => c.path === '/v1/events').map((c) => c.status)).to.deep.equal([200, 401, 200]);
    expect(sessions()).to.equal(2);
    await until(() => client.$connection.get() === 'live', 'live again');
    const before = client.$balances.sms.get()?.available as number;
    await sim.controls.sms('healthy', 1, 'US');
    await until(() => (client.$balances.sms.get()?.available as number) < before, 'an update on the new stream');
  });

  it('THREATS 30: a 204 on the stream stops it', async () => {
    const { client, count } = await setup({
      intercept: (next) => async (input, init) =>
        String(input).endsWith('/v1/events') ? new Response(null, { status: 204 }) : next(input, init),
    });
    client.connect();
    await until(() => count('GET /v1/events') === 1, 'the stream request');
    await sleep(400);
    expect(count('GET /v1/events')).to.equal(1);
    expect(client.$connection.get()).to.equal('idle');
  });

  it('a silent stream is reconnected after the heartbeat timeout; heartbeats keep it open', async () => {
    const silent = fakeStream();
    let first = true;
    const { client, count } = await setup({
      simulator: { handler: { heartbeatMs: 50 } },
      client: { heartbeatTimeoutMs: 250 },
      intercept: (next) => async (input, init) => {
        if (String(input).endsWith('/v1/events') && first) {
          first = false;
          silent.send(': open\n\n'); // then nothing, not even heartbeats
          return silent.response;
        }
        return next(input, init);
      },
    });
    client.connect();
    await until(() => count('GET /v1/events') === 2, 'a reconnect after silence', 2000);
    await until(() => client.$connection.get() === 'live', 'live');
    await sleep(600); // the simulator's 50 ms heartbeats keep this one open
    expect(count('GET /v1/events')).to.equal(2);
  });

  it('falls back to polling while the stream cannot connect, and back to live when it can', async () => {
    const { client, sim, count } = await setup({ client: { pollMs: 100 } });
    sim.chaos.script = [{ path: '/v1/events', kind: 503, times: 1000 }];
    client.connect();
    await until(() => client.$connection.get() === 'polling', 'polling');
    const before = client.$balances.voice.get()?.available as number;
    await sim.controls.call('healthy', 60, 'deepgram');
    await until(() => client.$balances.voice.get()?.available === before - 900, 'a polled update');
    expect(count('GET /v1/balances')).to.be.greaterThan(0);
    sim.chaos.script = [];
    await until(() => client.$connection.get() === 'live', 'live', 8000); // reconnect backoff has grown meanwhile
    await sleep(300); // a poll still in flight must not flip the state back
    expect(client.$connection.get()).to.equal('live');
  });

  it('THREATS 31: ten widgets → one bootstrap request and one event stream', async () => {
    const { client, count } = await setup();
    const releases: (() => void)[] = [];
    const unsubscribes: (() => void)[] = [];
    for (let i = 0; i < 10; i++) {
      releases.push(client.connect());
      unsubscribes.push(
        client.$balances.voice.subscribe(() => {}),
        client.$plans.subscribe(() => {}),
        client.$brand.subscribe(() => {}),
      );
    }
    await until(() => client.$connection.get() === 'live', 'live');
    await sleep(100);
    expect(count('GET /v1/widget')).to.equal(1);
    expect(count('GET /v1/events')).to.equal(1);
    for (const release of releases.slice(1)) release();
    releases[0]?.(); // the last widget leaves: the stream closes
    releases[0]?.(); // releasing twice is harmless
    expect(client.$connection.get()).to.equal('idle');
    for (const u of unsubscribes) u();
  });

  it('destroy() is final: late releases, a bootstrap in flight and retry waits never start live work again', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { client, calls, count } = await setup({
      intercept: (next) => async (input, init) => {
        if (String(input).endsWith('/v1/widget')) await gate;
        return next(input, init);
      },
    });
    const a = client.connect();
    const b = client.connect();
    const loading = client.load().catch((e: CreditkitError) => e);
    await until(() => count('GET /v1/widget') === 1, 'the bootstrap request');
    client.destroy();
    a();
    b();
    b(); // late and repeated releases: harmless
    release();
    expect(((await loading) as CreditkitError).code).to.equal('aborted');
    const c = client.connect(); // a widget connecting afterwards starts nothing either
    await client.retry().catch(() => {});
    await sleep(300);
    expect(count('GET /v1/events')).to.equal(0);
    expect(calls.filter((call) => call.path !== '/v1/widget')).to.have.length(0);
    expect(client.$connection.get()).to.equal('idle');
    expect(client.$balances.voice.get()).to.equal(null);
    c();
  });

  it('destroy() aborts a retry wait (Retry-After) and a live stream', async () => {
    const { client, sim, count } = await setup();
    client.connect();
    await until(() => client.$connection.get() === 'live', 'live');
    sim.chaos.script = [{ path: '/v1/balances', kind: 503, retryAfter: '2' }];
    const refreshing = client.refresh().catch((e: CreditkitError) => e);
    await until(() => count('GET /v1/balances') === 1, 'the first try');
    const started = performance.now();
    client.destroy();
    expect(((await refreshing) as CreditkitError).code).to.equal('aborted');
    expect(performance.now() - started).to.be.below(500);
    await sleep(300);
    expect(count('GET /v1/balances')).to.equal(1);
    expect(count('GET /v1/events')).to.equal(1);
    expect(client.$connection.get()).to.equal('idle');
    await sim.controls.call('healthy', 60, 'deepgram'); // nothing listens any more
    expect(((await client.refresh().catch((e) => e)) as CreditkitError).code).to.equal('aborted');
  });

  it('THREATS 32: hidden tab → stream paused; shown after 10 minutes → token refreshed, data revalidated, stream resumed', async () => {
    const { client, sim, calls, sessions } = await setup();
    client.connect();
    await until(() => client.$connection.get() === 'live', 'live');
    setHidden(true);
    expect(client.$connection.get()).to.equal('paused');
    const made = calls.length;
    const before = client.$balances.voice.get()?.available as number;
    await sim.controls.call('healthy', 60, 'deepgram');
    sim.controls.advanceClock(10 * 60_000); // ten minutes later: the 15-minute token is past its refresh point… and more
    sim.controls.advanceClock(6 * 60_000);
    await sleep(200);
    expect(calls.length).to.equal(made); // nothing while hidden
    expect(client.$balances.voice.get()?.available).to.equal(before);

    setHidden(false);
    await until(() => client.$connection.get() === 'live', 'live again');
    await until(() => client.$balances.voice.get()?.available === before - 900, 'revalidated');
    expect(sessions()).to.equal(2); // one refresh, shared by the revalidation and the stream
    expect(
      calls
        .filter((c) => c.path === '/v1/events')
        .at(-1)
        ?.headers.get('last-event-id'),
    ).to.be.a('string');
  });

  it('coalesces bursts: at most ~10 writes a second per store; a voice tick wakes neither SMS nor the plan picker', async () => {
    const { client, sim } = await setup();
    client.connect();
    await until(() => client.$connection.get() === 'live', 'live');
    const writes = { voice: 0, sms: 0, plans: 0, currentPlan: 0, rateCard: 0 };
    const offs = [
      client.$balances.voice.listen(() => writes.voice++),
      client.$balances.sms.listen(() => writes.sms++),
      client.$plans.listen(() => writes.plans++),
      client.$currentPlan.listen(() => writes.currentPlan++),
      client.$rateCard.listen(() => writes.rateCard++),
    ];
    const started = performance.now();
    for (let i = 0; i < 60; i++) await sim.controls.call('healthy', 1, 'deepgram');
    const seconds = (performance.now() - started) / 1000;
    await sleep(300);
    const { balances } = await sim.engine.getSubAccount('ag_brightwave', 'sa_healthy');
    expect(client.$balances.voice.get()?.available).to.equal(balances.voice.available);
    expect(writes.voice)
      .to.be.at.least(1)
      .and.at.most(Math.ceil(seconds * 10) + 3);
    expect(writes).to.include({ sms: 0, plans: 0, currentPlan: 0, rateCard: 0 });
    for (const off of offs) off();
    void API;
  });
});

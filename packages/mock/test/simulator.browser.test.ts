// Real-browser smoke test: msw's service worker really serves the simulator's v1 API to plain
// `fetch` in the page — bootstrap per scenario, a paid purchase, a live SSE stream read
// incrementally, and the chaos knobs (a scripted 429 with Retry-After, offline).
import { expect } from '@open-wc/testing';
import { type SetupWorker, setupWorker } from 'msw/browser';
import { createSimulator, mswHandlers, SCENARIOS, type Scenario, type Simulator } from '../src/index.js';

const API = 'https://api.creditkit.test';

let worker: SetupWorker;
let sim: Simulator;

async function token(scenario: Scenario = 'healthy'): Promise<string> {
  return (await sim.session(scenario)).token;
}

async function call(path: string, init: RequestInit & { token?: string; json?: unknown; key?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.key) headers.set('idempotency-key', init.key);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(`${API}${path}`, {
    ...init,
    headers,
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  return response;
}

async function json(path: string, init: Parameters<typeof call>[1] = {}) {
  const response = await call(path, init);
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** Reads SSE frames from a fetch body as they arrive. */
function frames(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(timeoutMs = 3000): Promise<{ id?: string; event?: string; data?: string; comment?: string }> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else {
              const at = line.indexOf(':');
              frame[line.slice(0, at)] = line.slice(at + 1).replace(/^ /, '');
            }
          }
          return frame;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no SSE frame in time');
        const chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no SSE data in time')), left)),
        ]);
        if (chunk.done) throw new Error('the stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    async nextEvent(timeoutMs = 3000) {
      for (;;) {
        const frame = await this.next(timeoutMs);
        if (frame.event) return frame as { id: string; event: string; data: string };
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

describe('mock: the simulator served by msw in a real browser', () => {
  before(async () => {
    sim = await createSimulator();
    worker = setupWorker(...mswHandlers(sim, API));
    await worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledFrame: 'bypass', quiet: true });
  });

  after(() => {
    worker?.stop();
  });

  afterEach(() => {
    sim.chaos.offline = false;
    sim.chaos.script = [];
  });

  it('bootstraps /v1/widget for every scenario with its status', async () => {
    // The page is controlled by msw's worker: these answers come from it, not from a network.
    expect(navigator.serviceWorker.controller, 'a controlling service worker').to.not.equal(null);
    const expected: Record<Scenario, (b: { billingMode: string; balances: { voice: { status: string } } }) => void> = {
      healthy: (b) => expect(b.balances.voice.status).to.equal('ok'),
      low: (b) => expect(b.balances.voice.status).to.equal('low'),
      depleted: (b) => expect(b.balances.voice.status).to.equal('depleted'),
      capped: (b) => expect(b.balances.voice.status).to.equal('capped'),
      paused: (b) => expect(b.balances.voice.status).to.equal('paused'),
      external: (b) => expect(b.billingMode).to.equal('external'),
    };
    for (const scenario of SCENARIOS) {
      const r = await json('/v1/widget', { token: await token(scenario) });
      expect(r.status, scenario).to.equal(200);
      expect(r.headers.get('content-type')).to.match(/^application\/json/);
      expect(r.body.subAccount.id).to.equal(`sa_${scenario}`);
      expected[scenario](r.body);
      if (scenario !== 'external') expect(r.body.billingMode).to.equal('in_app');
    }
  });

  it('quote → purchase → test-checkout pay raises the balance by exactly the pack credits', async () => {
    const tok = await token('healthy');
    const before = (await json('/v1/balances', { token: tok })).body;
    const quote = await json('/v1/quotes', {
      method: 'POST',
      token: tok,
      json: { pool: 'voice', packId: 'pack_voice_100' },
    });
    expect(quote.status).to.equal(201);
    expect(quote.body.amount).to.deep.equal({ amount: 2500, currency: 'USD' });
    const purchase = await json('/v1/purchases', {
      method: 'POST',
      token: tok,
      key: `browser-smoke-${Date.now()}`,
      json: { quoteId: quote.body.id },
    });
    expect(purchase.status).to.equal(201);
    expect(purchase.body.status).to.equal('requires_payment');
    const checkoutUrl = new URL(purchase.body.checkoutUrl);
    expect(checkoutUrl.origin).to.equal(API);
    const paid = await json(checkoutUrl.pathname, {
      method: 'POST',
      json: { token: checkoutUrl.searchParams.get('token'), action: 'pay' },
    });
    expect(paid.status).to.equal(200);
    expect(paid.body.status).to.equal('succeeded');
    const after = (await json('/v1/balances', { token: tok })).body;
    expect(after.voice.available - before.voice.available).to.equal(quote.body.credits);
    expect(quote.body.credits).to.equal(100_000);
    expect(after.seq).to.be.greaterThan(before.seq);
  });

  it('streams /v1/events incrementally: a balance event arrives after a call', async () => {
    const tok = await token('healthy');
    const controller = new AbortController();
    const response = await call('/v1/events', {
      token: tok,
      signal: controller.signal,
      headers: { accept: 'text/event-stream' },
    });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
    const stream = frames(response.body as ReadableStream<Uint8Array>);
    try {
      const first = await stream.nextEvent();
      expect(first.event).to.equal('balance');
      const snapshot = JSON.parse(first.data);
      const charged = await sim.controls.call('healthy', 90, 'deepgram');
      const next = await stream.nextEvent();
      expect(next.event).to.equal('balance');
      expect(Number(next.id)).to.be.greaterThan(Number(first.id));
      const live = JSON.parse(next.data);
      expect(live.balances.voice.available).to.equal(snapshot.balances.voice.available - charged.charged.client);
    } finally {
      await stream.cancel();
      controller.abort();
    }
  });

  it('chaos: a scripted 429 with Retry-After reaches fetch as such, then the API answers again', async () => {
    const tok = await token('healthy');
    sim.chaos.script = [{ path: '/v1/balances', kind: 429, retryAfter: '7' }];
    const limited = await call('/v1/balances', { token: tok });
    expect(limited.status).to.equal(429);
    expect(limited.headers.get('retry-after')).to.equal('7');
    expect((await limited.json()).error.code).to.equal('rate_limited');
    const ok = await call('/v1/balances', { token: tok });
    expect(ok.status).to.equal(200);
  });

  it('chaos: offline makes fetch reject; back online it resolves', async () => {
    const tok = await token('healthy');
    sim.chaos.offline = true;
    let failure: unknown;
    try {
      await call('/v1/balances', { token: tok });
    } catch (error) {
      failure = error;
    }
    expect(failure, 'fetch rejected').to.be.instanceOf(TypeError);
    sim.chaos.offline = false;
    expect((await call('/v1/balances', { token: tok })).status).to.equal(200);
  });
});

// Network and data faults: THREATS 26, 27, 28.
import { expect } from '@open-wc/testing';
import type { CreditkitError } from '../src/index.js';
import { cleanup, setup, startWorker, until } from './helpers.js';

describe('sdk: network and data faults', () => {
  before(startWorker);
  afterEach(cleanup);

  it('THREATS 26: a hanging request times out; the last good balance stays, marked stale', async () => {
    const { client, sim, count } = await setup({ client: { timeoutMs: 150, retries: 1 } });
    await client.load();
    const shown = client.$balances.voice.get();
    sim.chaos.script = [{ path: '/v1/balances', kind: 'hang', times: 2 }];
    const error = (await client.refresh().catch((e) => e)) as CreditkitError;
    expect(error.code).to.equal('timeout');
    expect(count('GET /v1/balances')).to.equal(2); // bounded: one retry
    expect(client.$stale.get()).to.equal(true);
    expect(client.$balances.voice.get()).to.equal(shown);
    await client.refresh();
    expect(client.$stale.get()).to.equal(false);
  });

  it('THREATS 26: offline → stream down, polling fails, last good balance kept as stale; back online → revalidated and live', async () => {
    const { client, sim } = await setup({
      client: { retries: 0, pollMs: 100 },
      simulator: { chaos: { dropStreamAfterMs: 300 } },
    });
    client.connect();
    await until(() => client.$connection.get() === 'live', 'live');
    const shown = client.$balances.voice.get();
    sim.chaos.offline = true;
    await until(() => client.$connection.get() === 'offline', 'offline state');
    expect(client.$stale.get()).to.equal(true);
    expect(client.$balances.voice.get()).to.equal(shown);

    sim.chaos.offline = false;
    sim.chaos.dropStreamAfterMs = undefined;
    await sim.controls.call('healthy', 60, 'deepgram');
    dispatchEvent(new Event('online'));
    await until(() => client.$connection.get() === 'live' && !client.$stale.get(), 'live again');
    await until(
      () => client.$balances.voice.get()?.available === (shown?.available as number) - 900,
      'balance after the call',
    );
  });

  it('THREATS 27: 5xx then success → retried with backoff; bounded; other 4xx never retried', async () => {
    const { client, sim, count } = await setup({ client: { retries: 2 } });
    sim.chaos.script = [{ path: '/v1/balances', kind: 503, times: 2 }];
    await client.refresh();
    expect(count('GET /v1/balances')).to.equal(3);

    sim.chaos.script = [{ path: '/v1/balances', kind: 500, times: 10 }];
    const exhausted = (await client.refresh().catch((e) => e)) as CreditkitError;
    expect(exhausted.code).to.equal('internal_error');
    expect(count('GET /v1/balances')).to.equal(6);

    sim.chaos.script = [
      { path: '/v1/balances', kind: 400 },
      { path: '/v1/ledger', kind: 404 },
    ];
    expect(((await client.refresh().catch((e) => e)) as CreditkitError).code).to.equal('invalid_request');
    expect(((await client.ledger().catch((e) => e)) as CreditkitError).status).to.equal(404);
    expect(count('GET /v1/balances')).to.equal(7);
    expect(count('GET /v1/ledger')).to.equal(1);
    sim.chaos.script = [];
  });

  it('an error code this version does not know (a newer server) comes through as sent, not as a protocol error', async () => {
    let status = 409;
    const { client, count } = await setup({
      client: { retries: 1 },
      intercept: (next) => async (input, init) =>
        String(input).endsWith('/v1/balances')
          ? Response.json(
              { error: { code: 'brand_new_code', message: 'Something new.', requestId: 'req_new' } },
              { status },
            )
          : next(input, init),
    });
    const error = (await client.refresh().catch((e) => e)) as CreditkitError;
    expect(error.code as string).to.equal('brand_new_code');
    expect(error).to.include({ status: 409, requestId: 'req_new', endpoint: 'GET /v1/balances' });
    expect(error.message).to.contain('Something new.');
    expect(count('GET /v1/balances')).to.equal(1); // a 4xx: not retried
    status = 503;
    expect(((await client.refresh().catch((e) => e)) as CreditkitError).code as string).to.equal('brand_new_code');
    expect(count('GET /v1/balances')).to.equal(3); // a 5xx: retried by its status, whatever the code
  });

  it('THREATS 27: 429 with Retry-After in seconds is honoured', async () => {
    const { client, sim, count } = await setup();
    sim.chaos.script = [{ path: '/v1/balances', kind: 429, retryAfter: '1' }];
    const started = performance.now();
    await client.refresh();
    expect(performance.now() - started).to.be.at.least(950);
    expect(count('GET /v1/balances')).to.equal(2);
  });

  it('THREATS 27: 503 with Retry-After as an HTTP date is honoured (on the server clock)', async () => {
    const { client, sim, count } = await setup();
    await client.load();
    const at = Math.ceil((sim.engine.now() + 600) / 1000) * 1000; // HTTP dates have whole seconds
    sim.chaos.script = [{ path: '/v1/balances', kind: 503, retryAfter: new Date(at).toUTCString() }];
    const expected = at - sim.engine.now(); // 600–1600 ms
    const started = Date.now();
    await client.refresh();
    expect(Date.now() - started).to.be.at.least(expected - 100);
    expect(count('GET /v1/balances')).to.equal(2);
  });

  it('THREATS 27: POSTs are retried only with their Idempotency-Key', async () => {
    const { client, sim, count, calls } = await setup();
    sim.chaos.script = [{ path: '/v1/quotes', kind: 503 }];
    expect(
      ((await client.quote({ pool: 'voice', packId: 'pack_voice_100' }).catch((e) => e)) as CreditkitError).code,
    ).to.equal('internal_error');
    expect(count('POST /v1/quotes')).to.equal(1);

    const quote = await client.quote({ pool: 'voice', packId: 'pack_voice_100' });
    sim.chaos.script = [{ path: '/v1/purchases', kind: 'network' }];
    const purchase = await client.purchase(quote);
    expect(purchase.status).to.equal('requires_payment');
    const posts = calls.filter((c) => c.path === '/v1/purchases');
    expect(posts).to.have.length(2);
    expect(posts[0]?.headers.get('idempotency-key')).to.equal(posts[1]?.headers.get('idempotency-key'));
  });

  it('THREATS 28: a response that breaks its schema → protocol error naming the endpoint; previous state kept', async () => {
    let tamper: ((body: unknown) => unknown) | null = null;
    const { client, sim } = await setup({
      client: { retries: 0 },
      intercept: (next) => async (input, init) => {
        const response = await next(input, init);
        if (!tamper || !String(input).endsWith('/v1/balances')) return response;
        return Response.json(tamper(await response.json()));
      },
    });
    await client.load();
    const shown = client.$balances.voice.get();

    sim.chaos.script = [{ path: '/v1/balances', kind: 'junk' }]; // HTML instead of JSON
    const html = (await client.refresh().catch((e) => e)) as CreditkitError;
    expect(html.code).to.equal('protocol');
    expect(html.message).to.contain('GET /v1/balances');

    for (const change of [
      (b: Record<string, unknown>) => ({ ...b, voice: undefined }), // missing field
      (b: Record<string, unknown>) => ({ ...b, seq: 'seven' }), // wrong type
      (b: Record<string, unknown>) => ({ ...b, voice: { ...(b.voice as object), available: 1.5 } }), // float credits
    ]) {
      tamper = (body) => change(body as Record<string, unknown>);
      const error = (await client.refresh().catch((e) => e)) as CreditkitError;
      expect(error.code).to.equal('protocol');
      expect(error.endpoint).to.equal('GET /v1/balances');
    }
    expect(client.$balances.voice.get()).to.equal(shown);
    expect(client.$stale.get()).to.equal(true);
  });

  it('THREATS 28: a broken bootstrap renders nothing partial', async () => {
    const { client, sim } = await setup({ client: { retries: 0 } });
    sim.chaos.script = [{ path: '/v1/widget', kind: 'junk' }];
    const error = (await client.load().catch((e) => e)) as CreditkitError;
    expect(error.code).to.equal('protocol');
    expect(error.message).to.contain('GET /v1/widget');
    expect(client.$connection.get()).to.equal('error');
    expect(client.$error.get()).to.equal(error);
    expect(client.$brand.get()).to.equal(null);
    expect(client.$plans.get()).to.deep.equal([]);
    expect(client.$balances.voice.get()).to.equal(null);
    await client.load(); // a failure is not cached
    expect(client.$brand.get()?.name).to.equal('Brightwave Digital');
  });
});

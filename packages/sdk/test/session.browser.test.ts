// Configuration and sessions: THREATS 1, 2, 3, 4, 33.

import type { Simulator } from '@creditkit/mock';
import { expect } from '@open-wc/testing';
import { type ClientOptions, CreditkitError, createClient } from '../src/index.js';
import {
  API,
  cleanup,
  jtiOf,
  lastToken,
  SESSION_PATH,
  sessionEndpoint,
  setup,
  sleep,
  startWorker,
  until,
} from './helpers.js';

const SECRETS = [
  'sk_live_51Habcdef',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'rk_live_abc123',
  'whsec_abc123',
  'ck_sk_test_brightwave_demo',
];

function configError(make: () => unknown): CreditkitError {
  try {
    make();
  } catch (error) {
    expect(error).to.be.instanceOf(CreditkitError);
    expect((error as CreditkitError).code).to.equal('config');
    return error as CreditkitError;
  }
  throw new Error('expected a configuration error');
}

describe('sdk: configuration and sessions', () => {
  before(startWorker);
  afterEach(cleanup);

  it('THREATS 1: refuses secret-looking keys before any request and never echoes them', async () => {
    let requests = 0;
    const fetch = (async () => {
      requests++;
      return new Response('{}');
    }) as typeof globalThis.fetch;
    for (const secret of SECRETS) {
      for (const options of [
        { apiBase: API, sessionEndpoint: secret },
        { apiBase: API, sessionEndpoint: `/session?key=${secret}` },
        { apiBase: API, sessionEndpoint: '/s', token: secret },
        { apiBase: API, sessionEndpoint: '/s', apiKey: secret },
      ]) {
        const error = configError(() => createClient({ ...options, fetch } as ClientOptions));
        expect(error.message).not.to.contain(secret);
        expect(error.message).to.contain('secret key');
      }
    }
    expect(requests).to.equal(0);

    // A session endpoint that hands out a secret key: refused, the key never reaches the API.
    const { client, calls } = await setup({
      client: {
        fetchSessionToken: async () => ({
          token: 'sk_live_51Habcdef',
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        }),
      },
    });
    const error = await client.load().catch((e: CreditkitError) => e);
    expect((error as CreditkitError).code).to.equal('config');
    expect((error as CreditkitError).message).not.to.contain('sk_live_51Habcdef');
    expect(calls.length).to.equal(0);
    expect(client.$connection.get()).to.equal('signed-out');
  });

  it('THREATS 1: a session token is not mistaken for a secret key because its base64url contains "_sk_" or ".rk_"', async () => {
    // About 1 real token in 20 000 has such a run by chance; refusing it signed users out at random.
    const token = 'cks_eyJzdWIiOiJzYV9sb3cif_sk_Q-rk_x.rk_MAC';
    const { client, calls } = await setup({
      client: { fetchSessionToken: async () => ({ token, expiresAt: new Date(Date.now() + 60_000).toISOString() }) },
    });
    const error = await client.load().catch((e: CreditkitError) => e);
    expect(lastToken(calls, '/v1/widget'), 'the token was sent').to.equal(token);
    // The API does not know this token and says so; no configuration error on the way.
    expect((error as CreditkitError | undefined)?.code).to.equal('unauthorized');
  });

  it('THREATS 2: a missing or malformed api-base / session-endpoint is a configuration error naming the attribute', () => {
    const fetchSessionToken = async () => ({ token: 'cks_x', expiresAt: new Date().toISOString() });
    for (const apiBase of [
      undefined,
      '',
      'not a url',
      '/v1',
      'ftp://api.example.com',
      'http://api.example.com',
      'javascript:alert(1)',
      'https://api.example.com/?k=1',
    ]) {
      const error = configError(() => createClient({ apiBase, fetchSessionToken } as ClientOptions));
      expect(error.field).to.equal('apiBase');
      expect(error.message).to.contain('api-base').and.to.contain('https:');
    }
    for (const sessionEndpoint of [
      undefined,
      '',
      'javascript:alert(1)',
      'http://agency.example/session',
      'data:text/plain,x',
    ]) {
      const error = configError(() => createClient({ apiBase: API, sessionEndpoint } as ClientOptions));
      expect(error.field).to.equal('sessionEndpoint');
      expect(error.message).to.contain('session-endpoint');
    }
    // Both ways of getting a token at once is ambiguous.
    expect(configError(() => createClient({ apiBase: API, sessionEndpoint: '/s', fetchSessionToken })).field).to.equal(
      'sessionEndpoint',
    );
    expect(
      configError(() => createClient({ apiBase: API, sessionEndpoint: '/s', locale: 'not_a_locale!' })).field,
    ).to.equal('locale');
    expect(configError(() => createClient({ apiBase: API, sessionEndpoint: '/s', timeoutMs: -1 })).field).to.equal(
      'timeoutMs',
    );

    // Good options: accepted, and nothing is fetched until the client is used.
    let requests = 0;
    const fetch = (async () => {
      requests++;
      return new Response('{}');
    }) as typeof globalThis.fetch;
    createClient({ apiBase: API, sessionEndpoint: SESSION_PATH, fetch });
    createClient({ apiBase: 'http://localhost:8787', sessionEndpoint: `${location.origin}/s`, fetch });
    expect(requests).to.equal(0);
  });

  describe('THREATS 3: the session endpoint fails, returns junk or hangs', () => {
    let sim: Simulator;
    const behaviour = { mode: 'ok' as 'ok' | '500' | '401' | 'junk' | 'hang' | 'secret', hits: 0 };
    const withEndpoint = async (mode: typeof behaviour.mode, timeoutMs = 2000) => {
      behaviour.mode = mode;
      behaviour.hits = 0;
      const fixture = await setup({
        handlers: [sessionEndpoint(() => sim, behaviour)],
        client: { fetchSessionToken: undefined, sessionEndpoint: SESSION_PATH, timeoutMs },
      });
      sim = fixture.sim;
      return fixture;
    };

    it('THREATS 3: 5xx → bounded retries, then a signed-out state; a 401 is not retried', async () => {
      const { client, calls } = await withEndpoint('500');
      const error = (await client.load().catch((e) => e)) as CreditkitError;
      expect(error.code).to.equal('session');
      expect(behaviour.hits).to.equal(3);
      expect(client.$connection.get()).to.equal('signed-out');
      expect(client.$error.get()?.code).to.equal('session');
      expect(calls.filter((c) => c.url.origin === API)).to.have.length(0);

      behaviour.mode = '401';
      behaviour.hits = 0;
      expect(((await client.load().catch((e) => e)) as CreditkitError).code).to.equal('session');
      expect(behaviour.hits).to.equal(1);
    });

    it('THREATS 3: junk → bounded retries, then retry succeeds once the endpoint recovers', async () => {
      const { client } = await withEndpoint('junk');
      const error = (await client.load().catch((e) => e)) as CreditkitError;
      expect(error.code).to.equal('session');
      expect(behaviour.hits).to.equal(3);
      expect(client.$brand.get()).to.equal(null);

      behaviour.mode = 'ok';
      await client.load();
      expect(client.$brand.get()?.name).to.equal('Brightwave Digital');
      expect(client.$connection.get()).to.equal('idle');
      expect(client.$balances.voice.get()?.pool).to.equal('voice');
    });

    it('THREATS 3: signed out while live (the endpoint fails on refresh) → stream stopped; retry() reconnects', async () => {
      const { client, calls } = await withEndpoint('ok');
      client.connect();
      await until(() => client.$connection.get() === 'live', 'live');
      behaviour.mode = '500';
      behaviour.hits = 0;
      await sim.engine.revokeSession(jtiOf(lastToken(calls, '/v1/events')));
      await until(() => client.$connection.get() === 'signed-out', 'signed-out');
      expect(behaviour.hits).to.equal(3);
      const streams = calls.filter((c) => c.path === '/v1/events').length;
      await sleep(300);
      expect(calls.filter((c) => c.path === '/v1/events').length).to.equal(streams); // no reconnect loop

      behaviour.mode = 'ok';
      await client.retry();
      await until(() => client.$connection.get() === 'live', 'live after retry');
    });

    it('THREATS 3: a hanging endpoint times out, bounded; a secret key from it is refused', async () => {
      const { client } = await withEndpoint('hang', 150);
      const error = (await client.load().catch((e) => e)) as CreditkitError;
      expect(error.code).to.equal('session');
      expect((error.cause as CreditkitError).code).to.equal('timeout');
      expect(behaviour.hits).to.equal(3);

      behaviour.mode = 'secret';
      behaviour.hits = 0;
      const refused = (await client.load().catch((e) => e)) as CreditkitError;
      expect(refused.code).to.equal('config');
      expect(refused.field).to.equal('sessionEndpoint');
      expect(behaviour.hits).to.equal(1);
    });
  });

  it('THREATS 4: after a 401, one refresh shared by all concurrent requests, each retried once with the same key', async () => {
    const { client, sim, calls, count, sessions } = await setup();
    await client.load();
    const quote = await client.quote({ pool: 'voice', packId: 'pack_voice_100' });
    const first = calls.at(-1)?.headers.get('authorization')?.slice(7) as string;
    await sim.engine.revokeSession(jtiOf(first));
    expect(sessions()).to.equal(1);

    const [balances, ledger, autoRefill, purchase] = await Promise.all([
      client.refresh(),
      client.ledger({ limit: 5 }),
      client.getAutoRefill(),
      client.purchase(quote),
    ]);
    expect(sessions()).to.equal(2);
    expect(balances.seq).to.be.a('number');
    expect(ledger.entries.length).to.be.greaterThan(0);
    expect(autoRefill.policy.allowed).to.equal(true);
    expect(purchase.status).to.equal('requires_payment');
    for (const endpoint of ['GET /v1/balances', 'GET /v1/ledger', 'GET /v1/auto-refill', 'POST /v1/purchases']) {
      expect(count(endpoint), endpoint).to.equal(2);
    }
    const posts = calls.filter((c) => c.path === '/v1/purchases');
    expect(posts.map((c) => c.status)).to.deep.equal([401, 201]);
    expect(posts[0]?.headers.get('idempotency-key'))
      .to.be.a('string')
      .and.equal(posts[1]?.headers.get('idempotency-key'));
    expect(posts[1]?.headers.get('authorization')).not.to.equal(`Bearer ${first}`);
  });

  it('THREATS 4: the token is refreshed before it expires, so no request meets a 401', async () => {
    const { client, calls, sessions } = await setup({ ttl: 2 });
    await client.load();
    await sleep(1700);
    await client.refresh();
    expect(sessions()).to.equal(2);
    expect(calls.filter((c) => c.status === 401)).to.have.length(0);
  });

  it('THREATS 33: a client clock 10 minutes behind the server: expiry judged on server time', async () => {
    const { client, sim, calls, sessions } = await setup({ ttl: 2, bareSession: true });
    sim.controls.advanceClock(10 * 60_000);
    await client.load();
    expect(client.serverNow() - Date.now()).to.be.within(10 * 60_000 - 2000, 10 * 60_000 + 2000);
    await sleep(2200); // the first token has expired on the server, though the browser clock says 10 minutes left
    await client.refresh();
    await client.ledger({ limit: 1 });
    expect(calls.filter((c) => c.status === 401)).to.have.length(0);
    expect(sessions()).to.be.greaterThan(1);
  });

  it('THREATS 33: a client clock 10 minutes ahead of the server: no refresh storm', async () => {
    const { client, sim, calls, sessions } = await setup({ ttl: 120, bareSession: true });
    sim.controls.advanceClock(-10 * 60_000);
    await client.load();
    for (let i = 0; i < 3; i++) await client.refresh();
    expect(sessions()).to.equal(1);
    expect(calls.filter((c) => c.status === 401)).to.have.length(0);
  });
});

// Authentication over HTTP: session tokens (minting, expiry, revocation, forgery), secret keys
// refused as widget credentials, and the error shape of unknown routes and methods (THREATS 1, 5, 6).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSimulator, DEMO_SECRET_KEY } from '@creditkit/mock';
import { ManualClock } from '@creditkit/platform';
import { API, api, assertError, claimsOf, MINUTE, request, START, send, token, unchanged, world } from './http.js';

describe('auth over HTTP', () => {
  test('sessions minted with the secret key via POST /v1/sessions last at most 15 minutes and name one sub-account', async () => {
    const w = await world();
    const r = await api.post(w.sim, '/v1/sessions', { token: DEMO_SECRET_KEY, body: { subAccountId: 'sa_low' } });
    assert.equal(r.status, 201, r.text);
    assert.match(r.body.token, /^cks_/);
    assert.equal(r.body.serverTime, new Date(START).toISOString());
    const lifetime = Date.parse(r.body.expiresAt) - Date.parse(r.body.serverTime);
    assert.ok(lifetime > 0 && lifetime <= 15 * MINUTE, `lifetime ${lifetime} ms`);
    assert.equal(claimsOf(r.body.token).sub, 'sa_low');
    const widget = await api.get(w.sim, '/v1/widget', { token: r.body.token });
    assert.equal(widget.status, 200);
    assert.equal(widget.body.subAccount.id, 'sa_low');

    // Asking the engine for an hour still gives at most 15 minutes.
    const long = await w.sim.session('healthy', 3600);
    assert.ok(Date.parse(long.expiresAt) - Date.parse(long.serverTime) <= 15 * MINUTE);
    w.assertNoInternalErrors();
  });

  test('POST /v1/sessions refuses bad keys, session tokens, foreign or unknown sub-accounts and extra fields', async () => {
    const w = await world();
    const session = await token(w.sim);
    const mint = (tok: string | undefined, body: unknown) =>
      unchanged(w.sim, () => api.post(w.sim, '/v1/sessions', { ...(tok === undefined ? {} : { token: tok }), body }));
    assertError(await mint(undefined, { subAccountId: 'sa_low' }), 401, 'unauthorized');
    assertError(await mint('ck_sk_test_not_a_key', { subAccountId: 'sa_low' }), 401, 'unauthorized');
    assertError(await mint(session, { subAccountId: 'sa_low' }), 401, 'unauthorized');
    // The main agency's key cannot mint for another agency's client.
    assertError(await mint(DEMO_SECRET_KEY, { subAccountId: 'sa_external' }), 404, 'not_found');
    assertError(await mint(DEMO_SECRET_KEY, { subAccountId: 'sa_nobody' }), 404, 'not_found');
    assertError(await mint(DEMO_SECRET_KEY, {}), 400, 'invalid_request');
    assertError(await mint(DEMO_SECRET_KEY, { subAccountId: 'sa_low', ttlSeconds: 86_400 }), 400, 'invalid_request');
    assertError(await mint(DEMO_SECRET_KEY, { subAccountId: 'low' }), 400, 'invalid_request');
    w.assertNoInternalErrors();
  });

  test('session token expiry: 15 minutes later the token is 401 session_expired', async () => {
    const w = await world();
    const tok = await token(w.sim);
    w.clock.advance(15 * MINUTE - 1000);
    assert.equal((await api.get(w.sim, '/v1/widget', { token: tok })).status, 200);
    w.clock.advance(1000);
    for (const [method, path] of [
      ['GET', '/v1/widget'],
      ['GET', '/v1/balances'],
      ['GET', '/v1/events'],
      ['POST', '/v1/quotes'],
    ] as const) {
      const r = await unchanged(w.sim, () =>
        send(
          w.sim,
          request(method, path, {
            token: tok,
            ...(method === 'POST' ? { body: { pool: 'voice', packId: 'pack_voice_100' } } : {}),
          }),
        ),
      );
      assertError(r, 401, 'session_expired');
    }
    // A fresh token works again.
    assert.equal((await api.get(w.sim, '/v1/widget', { token: await token(w.sim) })).status, 200);
    w.assertNoInternalErrors();
  });

  test('THREATS 1: a secret key (ck_sk_…, sk_live_…) sent as the widget bearer is 401 and never echoed', async () => {
    const w = await world();
    const secrets = [
      DEMO_SECRET_KEY,
      'ck_sk_live_0123456789abcdef',
      'sk_live_51H8abcdefghijklmnopqrstuv',
      'sk_test_51H8abcdefghijklmnopqrstuv',
      'rk_live_51H8abcdefghijklmnop',
      'whsec_abcdefghijklmnopqrstuvwxyz',
    ];
    for (const secret of secrets) {
      for (const [method, path] of [
        ['GET', '/v1/widget'],
        ['GET', '/v1/balances'],
        ['GET', '/v1/events'],
        ['POST', '/v1/quotes'],
      ] as const) {
        const r = await unchanged(w.sim, () =>
          send(
            w.sim,
            request(method, path, {
              token: secret,
              ...(method === 'POST' ? { body: { pool: 'voice', packId: 'pack_voice_100' } } : {}),
            }),
          ),
        );
        assertError(r, 401, 'unauthorized');
        assert.ok(!r.text.includes(secret), 'the key is echoed back');
      }
    }
    w.assertNoInternalErrors();
  });

  test('THREATS 5: missing, malformed, forged or foreign-signed tokens are 401', async () => {
    const w = await world();
    const real = await token(w.sim);
    const [payload, mac] = real.slice(4).split('.') as [string, string];
    const other = await createSimulator({ clock: new ManualClock(START), sessionSecret: 'another secret' });
    const foreign = (await other.session('healthy')).token;
    const claims = claimsOf(real);
    const reExpired = `cks_${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86_400 })).toString('base64url')}.${mac}`;
    const cases: [string, Record<string, string>][] = [
      ['no header', {}],
      ['Basic auth', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
      ['Bearer with nothing', { authorization: 'Bearer ' }],
      ['two tokens', { authorization: `Bearer ${real} ${real}` }],
      ['garbage', { authorization: 'Bearer cks_abc.def' }],
      ['no prefix', { authorization: `Bearer ${real.slice(4)}` }],
      ['no signature', { authorization: `Bearer cks_${payload}` }],
      ['signature of another token', { authorization: `Bearer cks_${payload}.${foreign.split('.')[1]}` }],
      ['signed with another secret', { authorization: `Bearer ${foreign}` }],
      ['expiry pushed a day later', { authorization: `Bearer ${reExpired}` }],
      ['very long', { authorization: `Bearer cks_${'a'.repeat(5000)}.b` }],
    ];
    for (const [label, headers] of cases) {
      const r = await unchanged(w.sim, () => send(w.sim, new Request(`${API}/v1/widget`, { headers })));
      assert.equal(r.status, 401, label);
      assertError(r, 401, 'unauthorized');
    }
    w.assertNoInternalErrors();
  });

  test('THREATS 6: a revoked token is 401 at once', async () => {
    const w = await world();
    const tok = await token(w.sim);
    const keep = await token(w.sim);
    assert.equal((await api.get(w.sim, '/v1/balances', { token: tok })).status, 200);
    await w.sim.engine.revokeSession(claimsOf(tok).jti);
    assertError(await unchanged(w.sim, () => api.get(w.sim, '/v1/balances', { token: tok })), 401, 'unauthorized');
    assertError(
      await unchanged(w.sim, () =>
        api.post(w.sim, '/v1/quotes', { token: tok, body: { pool: 'voice', packId: 'pack_voice_100' } }),
      ),
      401,
      'unauthorized',
    );
    // Other sessions of the same client are not affected.
    assert.equal((await api.get(w.sim, '/v1/balances', { token: keep })).status, 200);
    w.assertNoInternalErrors();
  });

  test('an unknown route is 404 and a wrong method is 405, both in the error shape', async () => {
    const w = await world();
    const tok = await token(w.sim);
    for (const path of [
      '/v1/nope',
      '/v2/widget',
      '/',
      '/v1/widget/extra',
      '/v1/purchases/pur_x/extra',
      '/v1/purchases/has%20space',
    ]) {
      assertError(await unchanged(w.sim, () => api.get(w.sim, path, { token: tok })), 404, 'not_found');
    }
    for (const [method, path, allow] of [
      ['DELETE', '/v1/balances', 'GET'],
      ['POST', '/v1/widget', 'GET'],
      ['GET', '/v1/quotes', 'POST'],
      ['PUT', '/v1/purchases/pur_abc', 'GET'],
      ['PATCH', '/v1/auto-refill', 'GET, PUT'],
      ['DELETE', '/v1/sub-accounts/sa_low', 'GET, PUT'],
    ] as const) {
      const r = await unchanged(w.sim, () => send(w.sim, request(method, path, { token: tok })));
      assertError(r, 405, 'method_not_allowed');
      assert.equal(r.headers.get('allow'), allow);
    }
    w.assertNoInternalErrors();
  });

  test('CORS preflight answers 204 without touching anything', async () => {
    const w = await world();
    const r = await unchanged(w.sim, () =>
      send(
        w.sim,
        new Request(`${API}/v1/purchases`, {
          method: 'OPTIONS',
          headers: { origin: 'https://agency.example', 'access-control-request-method': 'POST' },
        }),
      ),
    );
    assert.equal(r.status, 204);
    assert.match(r.headers.get('access-control-allow-headers') ?? '', /idempotency-key/);
    assert.match(r.headers.get('access-control-allow-headers') ?? '', /last-event-id/);
    w.assertNoInternalErrors();
  });
});

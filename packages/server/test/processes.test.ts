// Real processes: two server instances on one PostgreSQL deliver each other's events; a PGlite
// server restarts with nothing lost; a second process cannot open the same PGlite directory;
// SIGTERM ends event streams cleanly and exits 0.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEMO_SECRET_KEY } from '@creditkit/mock/node';
import { pgliteDir } from './helpers/pglite.js';
import { type Cluster, startCluster } from './helpers/postgres.js';
import { type ServerProcess, spawnServer } from './helpers/process.js';
import { call, openEvents, uid } from './helpers/target.js';

const running: ServerProcess[] = [];
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const c of cleanups.reverse()) await c();
});

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const p = await spawnServer(env);
  running.push(p);
  return p;
}

const demo = (base: string) => ({
  session: async (sub = 'sa_healthy') => {
    const r = await call(base, 'POST', '/v1/sessions', { token: DEMO_SECRET_KEY, body: { subAccountId: sub } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.token as string;
  },
  usage: (body: object) => call(base, 'POST', '/v1/usage-events', { token: DEMO_SECRET_KEY, body }),
});

describe('two server processes on one PostgreSQL', () => {
  let cluster: Cluster;

  test('an event written through one reaches an SSE client of the other; revocation closes it there', async () => {
    cluster = await startCluster();
    cleanups.push(() => cluster.stop());
    const databaseUrl = await cluster.createDatabase();
    // Both start at once: migrations and the first-start seed run once, under advisory locks.
    const [a, b] = await Promise.all([start({ DATABASE_URL: databaseUrl }), start({ DATABASE_URL: databaseUrl })]);
    assert.equal(
      a.logs.filter((l) => l.msg === 'seeded the demo agency and its clients').length +
        b.logs.filter((l) => l.msg === 'seeded the demo agency and its clients').length,
      1,
    );

    const token = await demo(a.url).session(); // minted by A, used at B: instances share the session key
    const stream = await openEvents(b.url, token);
    const first = await stream.next((f) => f.event === 'balance');
    const r = await demo(a.url).usage({
      id: `x-${uid()}`,
      subAccountId: 'sa_healthy',
      pool: 'sms',
      count: 2,
      country: 'US',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const seen = await stream.next((f) => f.event === 'balance' && Number(f.id) === r.body.seq, 10_000);
    assert.ok(Number(seen.id) > Number(first.id));
    assert.equal(
      seen.data.balances.sms.available,
      (await call(a.url, 'GET', '/v1/balances', { token })).body.sms.available,
    );

    // Revoked at A → B closes its stream.
    const revoke = await call(a.url, 'POST', '/v1/sessions/revoke', { token: DEMO_SECRET_KEY, body: { token } });
    assert.equal(revoke.status, 200);
    assert.equal(await stream.ended, 'end');
    assert.equal((await call(b.url, 'GET', '/v1/balances', { token })).status, 401);

    assert.equal(await a.stop(), 0);
    assert.equal(await b.stop(), 0);
  });
});

describe('PGlite server process', () => {
  test('restart → nothing lost; a second process on the same directory fails clearly; SIGTERM ends streams', async () => {
    const dir = await pgliteDir();
    cleanups.push(() => rmSync(dirname(dir), { recursive: true, force: true }));
    const first = await start({ PGLITE_DIR: dir });
    const api = demo(first.url);
    const token = await api.session();
    for (let i = 0; i < 3; i++) {
      const r = await api.usage({
        id: `r-${i}-${uid()}`,
        subAccountId: 'sa_healthy',
        pool: 'voice',
        seconds: 42,
        provider: 'deepgram',
      });
      assert.equal(r.status, 200);
    }
    const quote = await call(first.url, 'POST', '/v1/quotes', {
      token,
      body: { pool: 'voice', packId: 'pack_voice_100' },
    });
    const purchase = await call(first.url, 'POST', '/v1/purchases', {
      token,
      key: `k-${uid()}`,
      body: { quoteId: quote.body.id },
    });
    const checkout = new URL(purchase.body.checkoutUrl);
    const paid = await call(first.url, 'POST', checkout.pathname, {
      body: { token: checkout.searchParams.get('token'), action: 'pay' },
    });
    assert.equal(paid.body.status, 'succeeded');
    const balancesBefore = (await call(first.url, 'GET', '/v1/balances', { token })).body;
    const ledgerBefore = (await call(first.url, 'GET', '/v1/ledger?limit=200', { token })).body;

    // The directory is locked while the first process has it.
    await assert.rejects(spawnServer({ PGLITE_DIR: dir }), (error: Error & { code?: number; stderr?: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr ?? '', new RegExp(`already open in process ${first.pid}`));
      assert.match(error.stderr ?? '', /Two processes must never open one PGlite directory/);
      return true;
    });

    // SIGTERM: the open stream ends cleanly (not reset), the process exits 0.
    const stream = await openEvents(first.url, token);
    await stream.next((f) => f.event === 'balance');
    assert.equal(await first.stop(), 0);
    assert.equal(await stream.ended, 'end');
    assert.ok(first.logs.some((l) => l.msg === 'stopped'));

    const second = await start({ PGLITE_DIR: dir });
    assert.ok(!second.logs.some((l) => l.msg === 'seeded the demo agency and its clients'), 'seeded only once');
    // The old token still works: the session key lives in the database.
    assert.deepEqual((await call(second.url, 'GET', '/v1/balances', { token })).body, balancesBefore);
    assert.deepEqual((await call(second.url, 'GET', '/v1/ledger?limit=200', { token })).body, ledgerBefore);
    assert.equal(
      (await call(second.url, 'GET', `/v1/purchases/${purchase.body.id}`, { token })).body.status,
      'succeeded',
    );
    assert.equal(await second.stop(), 0);
  });
});

// Every API scenario, over HTTP against the real server on a real database. Registered once per
// database by api.pglite.test.ts and api.postgres.test.ts. THREATS numbers are named in test titles.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PLANS } from '@creditkit/mock/node';
import { sql } from 'drizzle-orm';
import { sqlState } from '../../src/db/database.js';
import { verifyLedger } from '../../src/rebuild.js';
import { balances, call, createAgency, entries, ORIGIN, openEvents, type Target, uid } from '../helpers/target.js';

/** A plan whose SMS pool holds exactly `sms` millicredits of included credits (and no voice). */
const planWith = (included: { voice: number; sms: number }) => [{ ...PLANS[0]!, id: 'plan_starter', included }];

const sms = (subAccountId: string, count = 1, id = `u-${uid()}`) => ({
  id,
  subAccountId,
  pool: 'sms',
  count,
  country: 'US',
});
const voice = (subAccountId: string, seconds: number, id = `u-${uid()}`) => ({
  id,
  subAccountId,
  pool: 'voice',
  seconds,
  provider: 'deepgram',
});

export function apiScenarios(target: () => Target): void {
  const server = () => target().server;
  const url = () => target().server.url;

  describe('operations', () => {
    test('/healthz reports the database', async () => {
      const r = await call(url(), 'GET', '/healthz');
      assert.equal(r.status, 200);
      assert.equal(r.body.status, 'ok');
      assert.equal(r.body.database, target().kind);
      assert.match(r.headers.get('x-request-id') ?? '', /^req_/);
    });

    test('unknown routes answer the one error shape', async () => {
      const r = await call(url(), 'GET', '/nope');
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'not_found');
      assert.match(r.body.error.requestId, /^req_/);
    });
  });

  describe('sessions and tenancy', () => {
    test('a session token names one sub-account and lasts at most 15 minutes; the bootstrap is one request', async () => {
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      const r = await agency.api('POST', '/v1/sessions', { body: { subAccountId: sub } });
      assert.equal(r.status, 201);
      const ttl = Date.parse(r.body.expiresAt) - Date.parse(r.body.serverTime);
      assert.ok(ttl > 0 && ttl <= 15 * 60_000, `ttl ${ttl}`);
      const widget = await call(url(), 'GET', '/v1/widget', { token: r.body.token });
      assert.equal(widget.status, 200);
      assert.equal(widget.body.subAccount.id, sub);
      assert.equal(widget.body.plans.length, 1 + 2);
      assert.equal(widget.body.balances.sms.available, 20_000);
    });

    test('secret keys are stored hashed, never in clear', async () => {
      const agency = await createAgency(server());
      const raw = await target().database.exclusive((db) =>
        db.execute(sql`SELECT count(*)::int AS n FROM agencies WHERE value::text LIKE ${`%${agency.secretKey}%`}`),
      );
      assert.equal((raw as unknown as { rows: { n: number }[] }).rows[0]?.n, 0);
    });

    test('a secret key on a widget route, a bad token, another agency’s sub-account → 401/404 (THREATS 1, 5)', async () => {
      const a = await createAgency(server());
      const b = await createAgency(server());
      const subB = await b.subAccount();
      assert.equal((await call(url(), 'GET', '/v1/balances', { token: a.secretKey })).status, 401);
      assert.equal((await call(url(), 'GET', '/v1/balances', { token: 'cks_bogus.bogus' })).status, 401);
      const foreign = await a.api('POST', '/v1/sessions', { body: { subAccountId: subB } });
      assert.equal(foreign.status, 404);
      assert.equal((await a.api('GET', `/v1/sub-accounts/${subB}`)).status, 404);
    });

    test('a token for sub-account A cannot read B’s purchase (THREATS 5)', async () => {
      const agency = await createAgency(server());
      const [a, b] = [await agency.subAccount(), await agency.subAccount()];
      const tokenA = await agency.session(a);
      const tokenB = await agency.session(b);
      const quote = await call(url(), 'POST', '/v1/quotes', {
        token: tokenB,
        body: { pool: 'voice', packId: 'pack_voice_100' },
      });
      const purchase = await call(url(), 'POST', '/v1/purchases', {
        token: tokenB,
        key: `k-${uid()}`,
        body: { quoteId: quote.body.id },
      });
      assert.equal(purchase.status, 201);
      assert.equal((await call(url(), 'GET', `/v1/purchases/${purchase.body.id}`, { token: tokenA })).status, 403);
      // A's token cannot pay B's quote either.
      const q2 = await call(url(), 'POST', '/v1/quotes', {
        token: tokenB,
        body: { pool: 'voice', packId: 'pack_voice_100' },
      });
      const stolen = await call(url(), 'POST', '/v1/purchases', {
        token: tokenA,
        key: `k-${uid()}`,
        body: { quoteId: q2.body.id },
      });
      assert.equal(stolen.status, 404);
      assert.equal(stolen.body.error.code, 'quote_not_found');
    });

    test('revoking a session closes its open event stream and refuses the token (THREATS 6)', async () => {
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      const token = await agency.session(sub);
      const other = await agency.session(sub);
      const stream = await openEvents(url(), token);
      const survivor = await openEvents(url(), other);
      await stream.next((f) => f.event === 'balance');
      const stranger = await createAgency(server());
      assert.equal((await stranger.api('POST', '/v1/sessions/revoke', { body: { token } })).status, 404);
      const r = await agency.api('POST', '/v1/sessions/revoke', { body: { token } });
      assert.equal(r.status, 200);
      assert.equal(await stream.ended, 'end');
      assert.equal((await call(url(), 'GET', '/v1/balances', { token })).status, 401);
      assert.equal((await call(url(), 'GET', '/v1/balances', { token: other })).status, 200);
      survivor.close();
    });

    test('CORS only for the agency’s registered origins', async () => {
      const a = await createAgency(server(), { allowedOrigins: ['https://a.example'] });
      const b = await createAgency(server(), { allowedOrigins: ['https://b.example'] });
      const tokenA = await a.session(await a.subAccount());
      const preflight = await call(url(), 'OPTIONS', '/v1/balances', {
        headers: {
          origin: 'https://a.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://a.example');
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
      const evil = await call(url(), 'OPTIONS', '/v1/balances', { headers: { origin: 'https://evil.example' } });
      assert.equal(evil.headers.get('access-control-allow-origin'), null);
      const own = await call(url(), 'GET', '/v1/balances', { token: tokenA, headers: { origin: 'https://a.example' } });
      assert.equal(own.headers.get('access-control-allow-origin'), 'https://a.example');
      // B's origin is registered, but not by A: A's client data is not readable from B's site.
      const cross = await call(url(), 'GET', '/v1/balances', {
        token: tokenA,
        headers: { origin: 'https://b.example' },
      });
      assert.equal(cross.status, 200);
      assert.equal(cross.headers.get('access-control-allow-origin'), null);
      // Secret-key routes are for servers: no CORS.
      const secret = await a.api('GET', '/v1/agency/wallet', { headers: { origin: 'https://a.example' } });
      assert.equal(secret.headers.get('access-control-allow-origin'), null);
      // A newly registered origin works at once (this instance reloads after PUT /v1/agency).
      assert.equal(
        (await b.api('PUT', '/v1/agency', { body: { allowedOrigins: ['https://b.example', 'https://b2.example'] } }))
          .status,
        204,
      );
      const fresh = await call(url(), 'OPTIONS', '/v1/balances', { headers: { origin: 'https://b2.example' } });
      assert.equal(fresh.headers.get('access-control-allow-origin'), 'https://b2.example');
    });
  });

  describe('quotes and purchases', () => {
    test('a purchase pays the server’s quote; the browser’s amount is refused (THREATS 7)', async () => {
      const agency = await createAgency(server());
      const token = await agency.session(await agency.subAccount());
      const quote = await call(url(), 'POST', '/v1/quotes', {
        token,
        body: { pool: 'voice', packId: 'pack_voice_100' },
      });
      assert.equal(quote.status, 201);
      assert.deepEqual(quote.body.amount, { amount: 2500, currency: 'USD' });
      const cheat = await call(url(), 'POST', '/v1/purchases', {
        token,
        key: `k-${uid()}`,
        body: { quoteId: quote.body.id, amount: 1 },
      });
      assert.equal(cheat.status, 400);
      const cheatQuote = await call(url(), 'POST', '/v1/quotes', {
        token,
        body: { pool: 'voice', packId: 'pack_voice_100', price: 1 },
      });
      assert.equal(cheatQuote.status, 400);
    });

    test('retries with one Idempotency-Key give one purchase; another body is 422; parallel → one (THREATS 9, 10, 11)', async () => {
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      const token = await agency.session(sub);
      const quote = await call(url(), 'POST', '/v1/quotes', {
        token,
        body: { pool: 'voice', packId: 'pack_voice_100' },
      });
      const key = `k-${uid()}`;
      const replies = await Promise.all(
        Array.from({ length: 8 }, () =>
          call(url(), 'POST', '/v1/purchases', { token, key, body: { quoteId: quote.body.id } }),
        ),
      );
      const ok = replies.filter((r) => r.status === 201);
      assert.ok(ok.length >= 1);
      for (const r of replies) assert.ok(r.status === 201 || r.status === 409, `${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(new Set(ok.map((r) => r.body.id)).size, 1, 'one purchase');
      const again = await call(url(), 'POST', '/v1/purchases', { token, key, body: { quoteId: quote.body.id } });
      assert.equal(again.body.id, ok[0]?.body.id);
      const q2 = await call(url(), 'POST', '/v1/quotes', { token, body: { pool: 'voice', packId: 'pack_voice_500' } });
      const mismatch = await call(url(), 'POST', '/v1/purchases', { token, key, body: { quoteId: q2.body.id } });
      assert.equal(mismatch.status, 422);
      assert.equal(mismatch.body.error.code, 'idempotency_key_mismatch');
      const stored = await server().engine.run(async ({ tx }) => (await tx.get('quotes', quote.body.id))?.purchaseId);
      assert.equal(stored, ok[0]?.body.id);
    });

    test('a return URL off the agency’s origins is refused (THREATS 25)', async () => {
      const agency = await createAgency(server());
      const token = await agency.session(await agency.subAccount());
      const quote = await call(url(), 'POST', '/v1/quotes', {
        token,
        body: { pool: 'voice', packId: 'pack_voice_100' },
      });
      for (const returnUrl of ['https://evil.example/done', 'javascript:alert(1)', '//evil.example']) {
        const r = await call(url(), 'POST', '/v1/purchases', {
          token,
          key: `k-${uid()}`,
          body: { quoteId: quote.body.id, returnUrl },
        });
        assert.equal(r.status, 400, returnUrl);
        assert.equal(r.body.error.code, 'return_url_not_allowed');
      }
      const ok = await call(url(), 'POST', '/v1/purchases', {
        token,
        key: `k-${uid()}`,
        body: { quoteId: quote.body.id, returnUrl: `${ORIGIN}/billing` },
      });
      assert.equal(ok.status, 201);
    });

    test('test checkout paid 3× in parallel plus status reads → credits granted once (THREATS 12)', async () => {
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      const token = await agency.session(sub);
      const before = await balances(server(), token);
      const quote = await call(url(), 'POST', '/v1/quotes', {
        token,
        body: { pool: 'voice', packId: 'pack_voice_100' },
      });
      const purchase = await call(url(), 'POST', '/v1/purchases', {
        token,
        key: `k-${uid()}`,
        body: { quoteId: quote.body.id },
      });
      const checkout = new URL(purchase.body.checkoutUrl);
      assert.equal(checkout.origin, url());
      const page = await call(url(), 'GET', `${checkout.pathname}${checkout.search}`);
      assert.equal(page.status, 200);
      const capability = checkout.searchParams.get('token');
      const pays = await Promise.all([
        call(url(), 'POST', checkout.pathname, { body: { token: capability, action: 'pay' } }),
        call(url(), 'POST', checkout.pathname, { body: { token: capability, action: 'pay' } }),
        call(url(), 'GET', `/v1/purchases/${purchase.body.id}`, { token }),
        call(url(), 'POST', checkout.pathname, { body: { token: capability, action: 'pay' } }),
        call(url(), 'POST', checkout.pathname, { body: { token: capability, action: 'fail' } }),
      ]);
      for (const r of pays) assert.equal(r.status, 200, JSON.stringify(r.body));
      const after = await balances(server(), token);
      assert.equal(after.voice.purchased.remaining - before.voice.purchased.remaining, 100_000);
      const grants = (await entries(server(), sub)).filter((e) => e.purchaseId === purchase.body.id);
      assert.equal(grants.length, 1);
      assert.equal((await call(url(), 'GET', `/v1/purchases/${purchase.body.id}`, { token })).body.status, 'succeeded');
      const wrong = await call(url(), 'POST', checkout.pathname, { body: { token: 'forged', action: 'pay' } });
      assert.equal(wrong.status, 404);
    });
  });

  describe('usage', () => {
    test('voice per second and SMS per country are charged to client and agency; a replay is charged once (THREATS 15)', async () => {
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      const walletBefore = (await agency.api('GET', '/v1/agency/wallet')).body.balances;
      const call1 = voice(sub, 2);
      const r = await agency.api('POST', '/v1/usage-events', { body: call1 });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.charged, { client: 34, agency: 20 }); // ceil(2 × 1000 / 60), ceil(2 × 600 / 60)
      const replays = await Promise.all(
        Array.from({ length: 5 }, () => agency.api('POST', '/v1/usage-events', { body: call1 })),
      );
      for (const replay of replays) {
        assert.equal(replay.status, 200);
        assert.equal(replay.body.replayed, true);
        assert.deepEqual(replay.body.charged, r.body.charged);
      }
      const text = await agency.api('POST', '/v1/usage-events', { body: sms(sub, 3) });
      assert.deepEqual(text.body.charged, { client: 3 * 166, agency: 3 * 116 });
      const conflict = await agency.api('POST', '/v1/usage-events', { body: { ...call1, seconds: 3 } });
      assert.equal(conflict.status, 409);
      const usage = (await entries(server(), sub)).filter((e) => e.kind === 'usage');
      assert.equal(usage.length, 2);
      const walletAfter = (await agency.api('GET', '/v1/agency/wallet')).body.balances;
      assert.equal(walletBefore.voice - walletAfter.voice, 20);
      assert.equal(walletBefore.sms - walletAfter.sms, 3 * 116);
    });

    test('parallel duplicates of one usage event are charged once', async () => {
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      const event = sms(sub, 2);
      const replies = await Promise.all(
        Array.from({ length: 12 }, () => agency.api('POST', '/v1/usage-events', { body: event })),
      );
      for (const r of replies) assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(replies.filter((r) => !r.body.replayed).length, 1);
      assert.equal((await entries(server(), sub)).filter((e) => e.kind === 'usage').length, 1);
    });

    test('bad usage bodies → 400 and no entry (THREATS 15)', async () => {
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      const before = (await entries(server(), sub)).length;
      const bodies = [
        { ...sms(sub), count: -1 },
        { ...sms(sub), count: 0 },
        { ...sms(sub), count: 1.5 },
        { ...sms(sub), count: '5' },
        { ...sms(sub), count: 10_000_000 },
        { ...voice(sub, 1), seconds: null },
        { ...sms(sub), country: 'usa' },
        { ...sms(sub), extra: true },
      ];
      for (const body of bodies) {
        const r = await agency.api('POST', '/v1/usage-events', { body });
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.error.code, 'invalid_request');
      }
      for (const raw of [
        `{"id":"x1","subAccountId":"${sub}","pool":"sms","count":NaN,"country":"US"}`,
        `{"id":"x2","subAccountId":"${sub}","pool":"sms","count":1e400,"country":"US"}`,
        '{',
      ]) {
        assert.equal((await agency.api('POST', '/v1/usage-events', { raw })).status, 400, raw);
      }
      assert.equal((await entries(server(), sub)).length, before);
    });

    test('100 parallel SMS debits against a balance good for 10 → exactly 10 succeed, never below zero (THREATS 17)', async () => {
      const agency = await createAgency(server(), { plans: planWith({ voice: 0, sms: 10 * 166 }) });
      const sub = await agency.subAccount();
      const walletBefore = (await agency.api('GET', '/v1/agency/wallet')).body.balances.sms;
      const replies = await Promise.all(
        Array.from({ length: 100 }, () => agency.api('POST', '/v1/usage-events', { body: sms(sub, 1) })),
      );
      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status === 402);
      assert.equal(ok.length, 10, `statuses: ${JSON.stringify(replies.map((r) => r.status))}`);
      assert.equal(refused.length, 90);
      for (const r of refused) assert.equal(r.body.error.code, 'insufficient_credits');
      const usage = (await entries(server(), sub)).filter((e) => e.kind === 'usage');
      assert.equal(usage.length, 10);
      for (const e of usage) assert.ok(e.balanceAfter.available >= 0);
      const token = await agency.session(sub);
      const b = await balances(server(), token);
      assert.equal(b.sms.available, 0);
      assert.equal(b.sms.status, 'depleted');
      const walletAfter = (await agency.api('GET', '/v1/agency/wallet')).body.balances.sms;
      assert.equal(walletBefore - walletAfter, 10 * 116, 'the agency wallet was charged for exactly 10');
    });

    test('100 parallel voice calls across 5 clients of one agency: every debit accounted for', async () => {
      const agency = await createAgency(server());
      const subs = await Promise.all(Array.from({ length: 5 }, () => agency.subAccount()));
      const walletBefore = (await agency.api('GET', '/v1/agency/wallet')).body.balances.voice;
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          agency.api('POST', '/v1/usage-events', { body: voice(subs[i % 5] as string, 30) }),
        ),
      );
      for (const r of replies) assert.equal(r.status, 200, JSON.stringify(r.body));
      const charged = replies.reduce((sum, r) => sum + r.body.charged.agency, 0);
      const walletAfter = (await agency.api('GET', '/v1/agency/wallet')).body.balances.voice;
      assert.equal(walletBefore - walletAfter, charged);
      for (const sub of subs) {
        const usage = (await entries(server(), sub)).filter((e) => e.kind === 'usage');
        assert.equal(usage.length, 20);
        const seqs = (await entries(server(), sub)).map((e) => e.seq);
        assert.deepEqual(
          seqs,
          [...seqs].sort((x, y) => x - y),
        );
        assert.equal(new Set(seqs).size, seqs.length);
      }
    });

    test('agency wallet empty → usage refused, neither wallet charged, client paused (THREATS 16)', async () => {
      const agency = await createAgency(server(), { wallet: { voice: 50_000_000, sms: 0 } });
      const sub = await agency.subAccount();
      const token = await agency.session(sub);
      const before = await balances(server(), token);
      const r = await agency.api('POST', '/v1/usage-events', { body: sms(sub, 1) });
      assert.equal(r.status, 402);
      assert.equal(r.body.error.code, 'service_paused');
      const after = await balances(server(), token);
      assert.equal(after.sms.available, before.sms.available);
      assert.equal(after.sms.status, 'paused');
      assert.equal((await entries(server(), sub)).filter((e) => e.kind === 'usage').length, 0);
      assert.equal((await entries(server(), agency.id)).length, 0);
      // And the reverse: client empty, agency full.
      const broke = await createAgency(server(), { plans: planWith({ voice: 0, sms: 0 }) });
      const poor = await broke.subAccount();
      const walletBefore = (await broke.api('GET', '/v1/agency/wallet')).body.balances;
      const refused = await broke.api('POST', '/v1/usage-events', { body: sms(poor, 1) });
      assert.equal(refused.status, 402);
      assert.deepEqual((await broke.api('GET', '/v1/agency/wallet')).body.balances, walletBefore);
    });

    test('refund after the credits were spent → a reversing entry; nothing deleted; spending blocked (THREATS 18)', async () => {
      const agency = await createAgency(server(), { plans: planWith({ voice: 0, sms: 0 }) });
      const sub = await agency.subAccount();
      const token = await agency.session(sub);
      const quote = await call(url(), 'POST', '/v1/quotes', { token, body: { pool: 'sms', packId: 'pack_sms_50' } });
      const purchase = await call(url(), 'POST', '/v1/purchases', {
        token,
        key: `k-${uid()}`,
        body: { quoteId: quote.body.id },
      });
      const checkout = new URL(purchase.body.checkoutUrl);
      await call(url(), 'POST', checkout.pathname, {
        body: { token: checkout.searchParams.get('token'), action: 'pay' },
      });
      const spend = await agency.api('POST', '/v1/usage-events', { body: sms(sub, 200) });
      assert.equal(spend.status, 200);
      const before = await entries(server(), sub);
      const refund = await agency.api('POST', `/v1/purchases/${purchase.body.id}/refund`, {
        key: `r-${uid()}`,
        body: { reason: 'chargeback' },
      });
      assert.equal(refund.status, 200, JSON.stringify(refund.body));
      const after = await entries(server(), sub);
      assert.deepEqual(after.slice(0, before.length), before, 'earlier entries unchanged');
      const reversal = after.at(-1);
      assert.equal(reversal?.kind, 'refund');
      assert.deepEqual(reversal?.delta, { included: 0, purchased: -50_000 });
      const b = await balances(server(), token);
      assert.ok(b.sms.available < 0 || b.sms.purchased.remaining < 0 || b.sms.available === 0);
      const blocked = await agency.api('POST', '/v1/usage-events', { body: sms(sub, 1) });
      assert.equal(blocked.status, 402);
      const twice = await agency.api('POST', `/v1/purchases/${purchase.body.id}/refund`, {
        key: `r-${uid()}`,
        body: {},
      });
      assert.equal(twice.status, 409);
    });
  });

  describe('widget flows', () => {
    test('plan change, auto-refill, ledger paging, usage series, admin settings', async () => {
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      const token = await agency.session(sub);
      for (let i = 0; i < 4; i++) await agency.api('POST', '/v1/usage-events', { body: voice(sub, 60 + i) });
      const change = await call(url(), 'POST', '/v1/plan-changes', {
        token,
        key: `p-${uid()}`,
        body: { planId: 'plan_growth' },
      });
      assert.equal(change.status, 201);
      assert.equal((await call(url(), 'GET', '/v1/widget', { token })).body.currentPlanId, 'plan_growth');
      const refill = await call(url(), 'PUT', '/v1/auto-refill', {
        token,
        body: { pool: 'voice', enabled: true, threshold: 10_000, packId: 'pack_voice_500', maxPerMonth: 1 },
      });
      assert.equal(refill.status, 200, JSON.stringify(refill.body));
      assert.equal((await call(url(), 'GET', '/v1/auto-refill', { token })).status, 200);
      const page1 = await call(url(), 'GET', '/v1/ledger?pool=voice&limit=2', { token });
      assert.equal(page1.status, 200);
      assert.equal(page1.body.entries.length, 2);
      const page2 = await call(url(), 'GET', `/v1/ledger?pool=voice&limit=2&cursor=${page1.body.nextCursor}`, {
        token,
      });
      assert.ok(page2.body.entries[0].seq < page1.body.entries[1].seq);
      const today = new Date().toISOString().slice(0, 10);
      const usage = await call(url(), 'GET', `/v1/usage?pool=voice&from=${today}&to=${today}`, { token });
      assert.equal(usage.status, 200);
      assert.equal(usage.body.buckets[0].seconds, 60 + 61 + 62 + 63);
      const grant = await agency.api('POST', `/v1/sub-accounts/${sub}/grants`, {
        key: `g-${uid()}`,
        body: { pool: 'sms', credits: 5000 },
      });
      assert.equal(grant.status, 201);
      const top = await agency.api('POST', '/v1/agency/wallet/top-ups', {
        key: `t-${uid()}`,
        body: { pool: 'sms', credits: 1000 },
      });
      assert.equal(top.status, 201);
      const settings = await agency.api('PUT', `/v1/sub-accounts/${sub}`, { body: { caps: { voice: 1_000_000 } } });
      assert.equal(settings.status, 200);
      assert.equal((await agency.api('PUT', '/v1/agency/catalog', { body: { packs: [] } })).status, 204);
      const noPacks = await call(url(), 'GET', '/v1/widget', { token });
      assert.deepEqual(noPacks.body.packs, []);
    });

    test('external billing: credit requests instead of checkout', async () => {
      const agency = await createAgency(server(), { billingMode: 'external' });
      const token = await agency.session(await agency.subAccount());
      const quote = await call(url(), 'POST', '/v1/quotes', {
        token,
        body: { pool: 'voice', packId: 'pack_voice_100' },
      });
      assert.equal(quote.status, 409);
      assert.equal(quote.body.error.code, 'billing_mode_external');
      const request = await call(url(), 'POST', '/v1/credit-requests', {
        token,
        key: `c-${uid()}`,
        body: { pool: 'voice', credits: 100_000 },
      });
      assert.equal(request.status, 201);
      assert.equal(request.body.status, 'open');
    });

    test('event stream: snapshot, live balance events with rising seq, Last-Event-ID resume', async () => {
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      const token = await agency.session(sub);
      const stream = await openEvents(url(), token);
      const first = await stream.next((f) => f.event === 'balance');
      const r = await agency.api('POST', '/v1/usage-events', { body: sms(sub, 1) });
      const live = await stream.next((f) => f.event === 'balance' && Number(f.id) === r.body.seq);
      assert.ok(Number(live.id) > Number(first.id));
      stream.close();
      await agency.api('POST', '/v1/usage-events', { body: sms(sub, 1) });
      const last = await agency.api('POST', '/v1/usage-events', { body: sms(sub, 1) });
      const resumed = await openEvents(url(), token, Number(live.id));
      const caught = await resumed.next((f) => Number(f.id) === last.body.seq);
      assert.equal(
        caught.data.balances.sms.available,
        last.body.status === 'ok' ? caught.data.balances.sms.available : 0,
      );
      assert.ok(
        resumed.frames.every((f) => Number(f.id) > Number(live.id)),
        'nothing before Last-Event-ID',
      );
      resumed.close();
    });
  });
}

/** Database-level checks; registered last, since the rebuild check covers what every test wrote. */
export function databaseScenarios(target: () => Target): void {
  const server = () => target().server;
  describe('ledger in the database', () => {
    test('ledger_entries rejects UPDATE, DELETE and TRUNCATE', async () => {
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      const before = await entries(server(), sub);
      assert.ok(before.length > 0);
      for (const statement of [
        sql`UPDATE ledger_entries SET delta_purchased = delta_purchased + 1000000 WHERE account_id = ${sub}`,
        sql`DELETE FROM ledger_entries WHERE account_id = ${sub}`,
        sql`TRUNCATE ledger_entries`,
      ]) {
        await assert.rejects(
          target().database.exclusive((db) => db.execute(statement)),
          (error: unknown) => {
            assert.equal(sqlState(error), '42501');
            assert.match(String((error as { cause?: Error }).cause?.message ?? error), /append-only/);
            return true;
          },
        );
      }
      assert.deepEqual(await entries(server(), sub), before);
    });

    test('balances and seq rebuilt from the entries match the stored records; tampering is found', async () => {
      const check = await verifyLedger(target().database);
      assert.deepEqual(check.problems, []);
      assert.ok(check.accounts > 10 && check.entries > 100, JSON.stringify({ ...check, problems: undefined }));
      // Tamper with one stored balance behind the ledger's back: the rebuild notices.
      const agency = await createAgency(server());
      const sub = await agency.subAccount();
      await target().database.exclusive((db) =>
        db.execute(sql`UPDATE accounts SET value = jsonb_set(value, '{pools,sms,purchased}', '999') WHERE id = ${sub}`),
      );
      const tampered = await verifyLedger(target().database);
      assert.equal(tampered.problems.length, 1);
      assert.match(tampered.problems[0] ?? '', new RegExp(`account ${sub} sms`));
      await target().database.exclusive((db) =>
        db.execute(sql`UPDATE accounts SET value = jsonb_set(value, '{pools,sms,purchased}', '0') WHERE id = ${sub}`),
      );
      assert.deepEqual((await verifyLedger(target().database)).problems, []);
    });

    test('no internal errors were logged', () => {
      assert.deepEqual(target().errors, []);
    });
  });
}

import { BRANDS, CLIENTS, DEMO_AGENCIES, SCENARIOS, type Scenario } from '@creditkit/mock/node';
import { type Engine, PlatformError } from '@creditkit/platform';
import type { Hono } from 'hono';

/**
 * The demo agency's own backend, for the demo site served by this server: the session endpoint an
 * agency adds to its site (here the signed-in client is chosen by `?client=`, where a real agency uses
 * its login), and the few things the demo's panel does that a real agency backend can do with its key
 * (report usage, top up its wallet, change its brand). Nothing here exists in the platform API.
 */
export function mountDemoBackend(app: Hono, engine: Engine): void {
  const scenarioOf = (value: string | undefined | null): Scenario =>
    (SCENARIOS as readonly string[]).includes(value ?? '') ? (value as Scenario) : 'healthy';
  const agencyOf = (s: Scenario) => DEMO_AGENCIES[CLIENTS[s].agency];
  let counter = 0;

  app.get('/creditkit/demo.json', (c) => c.json({ platform: 'server' }, 200, { 'cache-control': 'no-store' }));

  app.post('/creditkit/session', async (c) => {
    const scenario = scenarioOf(c.req.query('client'));
    const { token, expiresAt } = await engine.mintSession(agencyOf(scenario).id, CLIENTS[scenario].id);
    return c.json({ token, expiresAt }, 200, { 'cache-control': 'no-store' });
  });

  app.post('/demo/usage', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const scenario = scenarioOf(String(body.client ?? ''));
    const id = `demo-${Date.now().toString(36)}-${(counter++).toString(36)}`;
    const event =
      body.pool === 'sms'
        ? {
            id,
            subAccountId: CLIENTS[scenario].id,
            pool: 'sms' as const,
            count: Number(body.count),
            country: String(body.country),
          }
        : {
            id,
            subAccountId: CLIENTS[scenario].id,
            pool: 'voice' as const,
            seconds: Number(body.seconds),
            provider: String(body.provider) as 'deepgram',
          };
    if (!Number.isInteger(event.pool === 'sms' ? event.count : event.seconds)) {
      return c.json({ error: { code: 'invalid_request', message: 'Whole numbers only.' } }, 400);
    }
    try {
      return c.json(await engine.recordUsage(agencyOf(scenario).id, event));
    } catch (error) {
      if (error instanceof PlatformError) return c.json({ error: { code: error.code, message: error.message } }, 402);
      throw error;
    }
  });

  app.post('/demo/wallet', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const agency = agencyOf(scenarioOf(String(body.client ?? ''))).id;
    await engine.topUpWallet(agency, 'voice', 50_000_000, 'set');
    await engine.topUpWallet(agency, 'sms', 10_000_000, 'set');
    return c.json({ ok: true });
  });

  app.post('/demo/brand', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const brand = body.brand === 'nimbus' ? BRANDS.nimbus : BRANDS.brightwave;
    for (const { id } of Object.values(DEMO_AGENCIES)) await engine.updateAgency(id, { brand });
    return c.json({ ok: true });
  });
}

import type { UsageEventRequest } from '@creditkit/contract';
import { agencyInput, BRANDS, CLIENTS, DEMO_AGENCIES, SCENARIOS, type Scenario } from '@creditkit/mock/node';
import { type Engine, PlatformError } from '@creditkit/platform';
import type { ServerMeta } from './meta.js';

export { DEMO_AGENCIES };

const SEEDED = 'demo_seeded_at';

export interface SeedResult {
  /** False when the demo agency was already there (a restart): nothing was changed but origins. */
  created: boolean;
}

/**
 * Seeds the demo on first start and is a no-op afterwards (except keeping `allowedOrigins` current, so
 * the demo works on whatever port the server runs). A marker in `server_meta` is written last, and
 * every step is idempotent, so a seed interrupted by a crash completes on the next start.
 */
export async function seedDemo(
  engine: Engine,
  meta: ServerMeta,
  allowedOrigins: readonly string[],
): Promise<SeedResult> {
  const agencyOf = (s: Scenario) => DEMO_AGENCIES[CLIENTS[s].agency];
  const exists = (kind: 'agencies' | 'accounts', id: string) =>
    engine.run(async ({ tx }) => (await tx.get(kind, id)) !== undefined);
  const created = (await meta.get(SEEDED)) === null;

  const agencies = [
    agencyInput({ ...DEMO_AGENCIES.main, allowedOrigins: [...allowedOrigins] }),
    agencyInput({ ...DEMO_AGENCIES.paused, allowedOrigins: [...allowedOrigins], wallet: { voice: 0, sms: 0 } }),
    agencyInput({
      ...DEMO_AGENCIES.external,
      allowedOrigins: [...allowedOrigins],
      billingMode: 'external',
      brand: { ...BRANDS.brightwave, supportUrl: 'https://brightwave.example/contact' },
    }),
  ];
  for (const input of agencies) {
    const id = input.id as string;
    if (!(await exists('agencies', id))) await engine.createAgency(input);
    else {
      const current = await engine.run(async ({ tx }) => (await tx.get('agencies', id))?.allowedOrigins ?? []);
      const merged = [...new Set([...current, ...allowedOrigins])];
      if (merged.length !== current.length) await engine.updateAgency(id, { allowedOrigins: merged });
    }
  }
  if (!created) return { created };

  for (const s of SCENARIOS) {
    if (await exists('accounts', CLIENTS[s].id)) continue;
    await engine.createSubAccount(agencyOf(s).id, {
      id: CLIENTS[s].id,
      name: CLIENTS[s].name,
      planId: CLIENTS[s].planId,
      ...(s === 'capped' ? { caps: { voice: 150_000 } } : {}),
    });
  }

  const usage = async (s: Scenario, n: number, body: Record<string, unknown>): Promise<void> => {
    try {
      await engine.recordUsage(agencyOf(s).id, {
        id: `seed-${s}-${n}`,
        subAccountId: CLIENTS[s].id,
        ...body,
      } as UsageEventRequest);
    } catch (error) {
      // The scenario's own state (depleted, capped, paused) refuses the rest: that is the point.
      if (!(error instanceof PlatformError)) throw error;
    }
  };
  const grant = (s: Scenario, credits: number, note?: string) =>
    engine.idempotent(`seed:${agencyOf(s).id}`, `grant-${s}`, { s, credits }, (ctx) =>
      engine.manualGrant(agencyOf(s).id, CLIENTS[s].id, { pool: 'voice', credits, note }, ctx),
    );

  // A little history, then each scenario's situation (as in the simulator).
  await usage('healthy', 1, { pool: 'voice', seconds: 227, provider: 'deepgram' });
  await usage('healthy', 2, { pool: 'voice', seconds: 108, provider: 'cartesia' });
  await usage('healthy', 3, { pool: 'sms', count: 4, country: 'US' });
  await grant('healthy', 250_000, 'Welcome bonus');
  await usage('low', 1, { pool: 'voice', seconds: 88 * 60, provider: 'deepgram' });
  await usage('depleted', 1, { pool: 'voice', seconds: 100 * 60, provider: 'deepgram' });
  await usage('depleted', 2, { pool: 'sms', count: 120, country: 'US' });
  await usage('capped', 1, { pool: 'voice', seconds: 200 * 60, provider: 'deepgram' });
  await grant('external', 40_000);
  await meta.set(SEEDED, new Date().toISOString());
  return { created };
}

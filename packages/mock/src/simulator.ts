import type { Pool, UsageEventResult, VoiceProvider } from '@creditkit/contract';
import { type Clock, createHandler, Engine, type HandlerOptions, OffsetClock } from '@creditkit/platform';
import { agencyInput, BRANDS } from './catalog.js';
import { type Chaos, withChaos } from './chaos.js';

export const SCENARIOS = ['healthy', 'low', 'depleted', 'capped', 'paused', 'external'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The demo agency's test secret key. Simulator only: a real key never appears in a browser. */
export const DEMO_SECRET_KEY = 'ck_sk_test_brightwave_demo';

/** The demo agencies: the main one, one whose own wallet is empty, one billing outside the platform. */
export const DEMO_AGENCIES = {
  main: { id: 'ag_brightwave', secretKey: DEMO_SECRET_KEY },
  paused: { id: 'ag_brightwavepaused', secretKey: 'ck_sk_test_brightwave_paused' },
  external: { id: 'ag_brightwaveexternal', secretKey: 'ck_sk_test_brightwave_external' },
} as const;
const AGENCIES = DEMO_AGENCIES;

/** One client per scenario: a sub-account id, its name, the agency it belongs to and its plan. */
export const CLIENTS: Record<Scenario, { id: string; name: string; agency: keyof typeof AGENCIES; planId: string }> = {
  healthy: { id: 'sa_healthy', name: 'Bright Smile Dental', agency: 'main', planId: 'plan_growth' },
  low: { id: 'sa_low', name: 'Sunpeak Solar', agency: 'main', planId: 'plan_starter' },
  depleted: { id: 'sa_depleted', name: 'Harbor Fitness', agency: 'main', planId: 'plan_starter' },
  capped: { id: 'sa_capped', name: 'Maple Realty', agency: 'main', planId: 'plan_growth' },
  paused: { id: 'sa_paused', name: 'Northside Plumbing', agency: 'paused', planId: 'plan_starter' },
  external: { id: 'sa_external', name: 'Lumen Law', agency: 'external', planId: 'plan_growth' },
};

export interface SimulatorOptions {
  /** Defaults to real time with an offset the controls can move. */
  clock?: Clock;
  /** Origins the agency registered (return URLs are checked against them). */
  allowedOrigins?: string[];
  chaos?: Chaos;
  handler?: HandlerOptions;
  /** Fixed HMAC key for session tokens (tests); random otherwise. */
  sessionSecret?: string;
}

export interface Simulator {
  readonly engine: Engine;
  /** The v1 API as a Fetch handler, with the chaos knobs applied. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Fault injection, mutable at run time. */
  readonly chaos: Chaos;
  readonly secretKey: string;
  /** Mints a session token for a scenario's client, as an agency backend would. */
  session(scenario?: Scenario, ttlSeconds?: number): Promise<{ token: string; expiresAt: string; serverTime: string }>;
  /** Simulator-only controls the real server never exposes. */
  readonly controls: SimulatorControls;
}

export interface SimulatorControls {
  /** A voice call of `seconds` with a provider, charged to the client and the agency. */
  call(scenario: Scenario, seconds: number, provider?: VoiceProvider): Promise<UsageEventResult>;
  sms(scenario: Scenario, count: number, country?: string): Promise<UsageEventResult>;
  /** Sets the agency wallet of a scenario's agency (0 pauses every client of it). */
  setAgencyWallet(scenario: Scenario, pool: Pool, millicredits: number): Promise<void>;
  /** Moves the clock to the start of the next billing period of a scenario's client. */
  nextBillingPeriod(scenario?: Scenario): Promise<void>;
  /** Moves the simulator clock (only with the default offset clock). */
  advanceClock(ms: number): void;
}

let usageCounter = 0;
const DAY_MS = 86_400_000;

/** A platform with the demo agency and one client per scenario, seeded with a little history. */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? new OffsetClock();
  const engine = new Engine({ clock, ...(options.sessionSecret ? { sessionSecret: options.sessionSecret } : {}) });
  const allowedOrigins = options.allowedOrigins ?? (typeof location === 'undefined' ? [] : [location.origin]);
  await engine.createAgency(agencyInput({ ...AGENCIES.main, allowedOrigins }));
  await engine.createAgency(agencyInput({ ...AGENCIES.paused, allowedOrigins, wallet: { voice: 0, sms: 0 } }));
  await engine.createAgency(
    agencyInput({
      ...AGENCIES.external,
      allowedOrigins,
      billingMode: 'external',
      brand: { ...BRANDS.brightwave, supportUrl: 'https://brightwave.example/contact' },
    }),
  );
  const agencyOf = (s: Scenario) => AGENCIES[CLIENTS[s].agency];
  const usage = (scenario: Scenario, body: Record<string, unknown>) =>
    engine.recordUsage(agencyOf(scenario).id, {
      id: `sim-${Date.now().toString(36)}-${(usageCounter++).toString(36)}`,
      subAccountId: CLIENTS[scenario].id,
      ...body,
    } as never);

  // With the live clock, clients start a few days ago so the usage history has something to show.
  const historyDays = clock instanceof OffsetClock ? 6 : 0;
  if (clock instanceof OffsetClock) clock.advance(-historyDays * DAY_MS);
  for (const s of SCENARIOS) {
    await engine.createSubAccount(agencyOf(s).id, {
      id: CLIENTS[s].id,
      name: CLIENTS[s].name,
      planId: CLIENTS[s].planId,
      ...(s === 'capped' ? { caps: { voice: 150_000 } } : {}),
    });
  }
  const controls: SimulatorControls = {
    call: (s, seconds, provider = 'deepgram') => usage(s, { pool: 'voice', seconds, provider }),
    sms: (s, count, country = 'US') => usage(s, { pool: 'sms', count, country }),
    async setAgencyWallet(s, pool, millicredits) {
      await engine.topUpWallet(agencyOf(s).id, pool, millicredits, 'set');
    },
    async nextBillingPeriod(s = 'healthy') {
      const { balances } = await engine.getSubAccount(agencyOf(s).id, CLIENTS[s].id);
      const wait = Date.parse(balances.periodEnd) - engine.now();
      if (clock instanceof OffsetClock) clock.advance(Math.max(0, wait));
      await engine.balances(CLIENTS[s].id);
    },
    advanceClock(ms) {
      if (clock instanceof OffsetClock) clock.advance(ms);
    },
  };

  // History and state: a bought pack and a few days of calls, then each scenario's situation.
  await seedHistory(engine, controls, clock, historyDays);
  await engine.manualGrant(AGENCIES.main.id, 'sa_healthy', { pool: 'voice', credits: 250_000, note: 'Welcome bonus' });
  await controls.call('low', 88 * 60, 'deepgram');
  await controls.call('depleted', 100 * 60, 'deepgram');
  await controls.sms('depleted', 120, 'US');
  await controls.call('capped', 200 * 60, 'deepgram');
  await engine.manualGrant(AGENCIES.external.id, 'sa_external', { pool: 'voice', credits: 40_000 });

  const chaos: Chaos = options.chaos ?? {};
  const handler = createHandler(engine, { corsOrigins: '*', ...options.handler });
  return {
    engine,
    fetch: withChaos(handler, chaos),
    chaos,
    secretKey: DEMO_SECRET_KEY,
    session: (scenario = 'healthy', ttl) => engine.mintSession(agencyOf(scenario).id, CLIENTS[scenario].id, ttl),
    controls,
  };
}

async function seedHistory(engine: Engine, controls: SimulatorControls, clock: Clock, days: number): Promise<void> {
  if (!(clock instanceof OffsetClock)) return;
  const providers: VoiceProvider[] = ['deepgram', 'cartesia', 'elevenlabs'];
  for (let d = 0; d < days; d++) {
    await controls.call('healthy', 180 + d * 47, providers[d % 3]);
    await controls.call('healthy', 95 + d * 13, providers[(d + 1) % 3]);
    await controls.sms('healthy', 3 + (d % 4), d % 2 ? 'US' : 'CA');
    clock.advance(DAY_MS);
  }
  await engine.balances('sa_healthy');
}

// One small, typed world for the engine tests: an engine on a manual clock, one agency with two
// plans (and a capped variant), packs, a tiered custom quantity and a big wallet.
import type { AutoRefillPolicy, CustomQuantity, Pack, Plan, Pool, Purchase, RateCard } from '@creditkit/contract';
import { ManualClock } from '../src/clock.js';
import { Engine, type SubAccountInput } from '../src/engine.js';
import type { AccountRecord, EntryRecord } from '../src/model.js';

export const CREDIT = 1000;
export const START = Date.UTC(2026, 0, 15, 12);
export const API_ORIGIN = 'https://api.platform.example';

export const STARTER_RATES: RateCard = {
  voice: { deepgram: 1000, cartesia: 1200, elevenlabs: 1500 },
  sms: { US: 166, GB: 400 },
};
export const PRO_RATES: RateCard = {
  voice: { deepgram: 900, cartesia: 1000, elevenlabs: 1200 },
  sms: { US: 150, GB: 350 },
};
/** What the platform charges the agency wallet: below the agency's own rates. */
export const PLATFORM_RATES: RateCard = {
  voice: { deepgram: 500, cartesia: 600, elevenlabs: 800 },
  sms: { US: 80, GB: 200 },
};

const plan = (p: Omit<Plan, 'description' | 'interval' | 'features' | 'recommended'>): Plan => ({
  description: '',
  interval: 'month',
  features: [],
  recommended: false,
  ...p,
});

export const PLANS = {
  starter: plan({
    id: 'plan_starter',
    name: 'Starter',
    price: { amount: 2900, currency: 'USD' },
    included: { voice: 100 * CREDIT, sms: 20 * CREDIT },
    rollover: false,
    caps: { voice: null, sms: null },
    rates: STARTER_RATES,
  }),
  pro: plan({
    id: 'plan_pro',
    name: 'Pro',
    price: { amount: 9900, currency: 'USD' },
    included: { voice: 500 * CREDIT, sms: 100 * CREDIT },
    rollover: true,
    caps: { voice: null, sms: null },
    rates: PRO_RATES,
  }),
  proCapped: plan({
    id: 'plan_procapped',
    name: 'Pro (capped)',
    price: { amount: 9900, currency: 'USD' },
    included: { voice: 500 * CREDIT, sms: 100 * CREDIT },
    rollover: false,
    caps: { voice: 200 * CREDIT, sms: 50 * CREDIT },
    rates: PRO_RATES,
  }),
} as const satisfies Record<string, Plan>;

export const PACKS = {
  voice100: {
    id: 'pack_voice100',
    pool: 'voice',
    name: '100 credits',
    credits: 100 * CREDIT,
    price: { amount: 2500, currency: 'USD' },
  },
  voice500: {
    id: 'pack_voice500',
    pool: 'voice',
    name: '500 credits',
    credits: 500 * CREDIT,
    price: { amount: 10000, currency: 'USD' },
  },
  sms50: {
    id: 'pack_sms50',
    pool: 'sms',
    name: '50 credits',
    credits: 50 * CREDIT,
    price: { amount: 1500, currency: 'USD' },
  },
} as const satisfies Record<string, Pack>;

/** 10–10 000 whole voice credits (bounds in millicredits): 25 ¢ a credit, 20 ¢ from 1 000 credits. */
export const CUSTOM_VOICE: CustomQuantity = {
  pool: 'voice',
  minCredits: 10 * CREDIT,
  maxCredits: 10_000 * CREDIT,
  currency: 'USD',
  tiers: [
    { minCredits: 10 * CREDIT, unitAmount: 25 },
    { minCredits: 1000 * CREDIT, unitAmount: 20 },
  ],
};

export const AUTO_REFILL_POLICY: AutoRefillPolicy = { allowed: true, packIds: [PACKS.voice100.id], maxPerMonth: 2 };
export const BIG_WALLET = 1_000_000 * CREDIT;

export interface World {
  engine: Engine;
  clock: ManualClock;
  agencyId: string;
  secretKey: string;
  /** A sub-account on `planId` (Starter by default). */
  createSub(input?: Partial<SubAccountInput>): Promise<string>;
  /** The stored account record as it is (not rolled into the current period). */
  account(id: string): Promise<AccountRecord>;
  /** Every ledger entry of an account (or agency wallet), oldest first. */
  entries(id: string): Promise<EntryRecord[]>;
  wallet(): Promise<Record<Pool, number>>;
  /** Quote → idempotent purchase → (optionally) pay in the test checkout. */
  buy(
    accountId: string,
    quote: { pool: Pool; packId: string } | { pool: Pool; credits: number },
    pay?: boolean,
  ): Promise<Purchase>;
}

export async function createWorld(
  options: { wallet?: Partial<Record<Pool, number>>; start?: number } = {},
): Promise<World> {
  const clock = new ManualClock(options.start ?? START);
  const engine = new Engine({ clock, sessionSecret: 'test-session-secret-0123456789abcdef' });
  const { agencyId, secretKey } = await engine.createAgency({
    name: 'Acme Agency',
    billingMode: 'in_app',
    brand: {
      name: 'Acme Voice',
      logoUrl: 'https://acme.example/logo.svg',
      colors: { primary: '#0a7', accent: null },
      supportEmail: 'help@acme.example',
      supportUrl: 'https://acme.example/help',
      terms: {},
    },
    locale: 'en',
    currency: 'USD',
    autoRefillPolicy: AUTO_REFILL_POLICY,
    allowedOrigins: ['https://acme.example'],
    plans: Object.values(PLANS),
    packs: Object.values(PACKS),
    customQuantities: [CUSTOM_VOICE],
    platformRates: PLATFORM_RATES,
    wallet: { voice: options.wallet?.voice ?? BIG_WALLET, sms: options.wallet?.sms ?? BIG_WALLET },
  });
  let subs = 0;
  const world: World = {
    engine,
    clock,
    agencyId,
    secretKey,
    async createSub(input = {}) {
      subs += 1;
      const view = await engine.createSubAccount(agencyId, {
        name: `Client ${subs}`,
        planId: PLANS.starter.id,
        ...input,
      });
      return view.id;
    },
    async account(id) {
      const record = await engine.store.transaction((tx) => tx.get('accounts', id));
      if (!record) throw new Error(`no account ${id}`);
      return record;
    },
    entries: (id) => engine.store.transaction((tx) => tx.entries(id, { order: 'asc' })),
    async wallet() {
      return (await engine.wallet(agencyId)).balances;
    },
    async buy(accountId, request, pay = true) {
      const quote = await engine.quote(accountId, request);
      const { body: purchase } = await engine.idempotent(
        `purchase:${accountId}`,
        `key-${quote.id}`,
        { quoteId: quote.id },
        (ctx) => engine.purchase(ctx, accountId, { quoteId: quote.id }, API_ORIGIN),
      );
      if (!pay) return purchase;
      return engine.completeTestCheckout(purchase.id, checkoutToken(purchase), 'pay');
    },
  };
  return world;
}

/** The capability token in a test-mode checkout URL. */
export function checkoutToken(purchase: Purchase): string {
  if (!purchase.checkoutUrl) throw new Error(`purchase ${purchase.id} has no checkout URL`);
  const token = new URL(purchase.checkoutUrl).searchParams.get('token');
  if (!token) throw new Error(`no token in ${purchase.checkoutUrl}`);
  return token;
}

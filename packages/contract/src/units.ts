import * as z from './zod.js';

/** 1 credit = 1000 millicredits. Credits cross the wire only as integer millicredits. */
export const MILLICREDITS_PER_CREDIT = 1000;

export const POOLS = ['voice', 'sms'] as const;
export const VOICE_PROVIDERS = ['deepgram', 'cartesia', 'elevenlabs'] as const;
export const POOL_STATUSES = ['ok', 'low', 'depleted', 'capped', 'paused'] as const;
export const BILLING_MODES = ['in_app', 'external'] as const;

export const Pool = z.enum(POOLS);
export type Pool = z.infer<typeof Pool>;

export const VoiceProvider = z.enum(VOICE_PROVIDERS);
export type VoiceProvider = z.infer<typeof VoiceProvider>;

/** Status of a pool, listed in precedence order: the first that applies wins. */
export const PoolStatus = z.enum(POOL_STATUSES);
export type PoolStatus = z.infer<typeof PoolStatus>;

export const BillingMode = z.enum(BILLING_MODES);
export type BillingMode = z.infer<typeof BillingMode>;

/** A non-negative integer amount of millicredits. */
export const Millicredits = z.int().check(z.minimum(0));
/** A signed integer amount of millicredits (ledger deltas, refunds). */
export const SignedMillicredits = z.int();

/** ISO 3166-1 alpha-2 destination country for SMS pricing. */
export const Country = z.string().check(z.regex(/^[A-Z]{2}$/));
/** ISO 4217 currency code. */
export const Currency = z.string().check(z.regex(/^[A-Z]{3}$/));

/** Money is always integer minor units plus an ISO 4217 currency: never a float. */
export const Money = z.object({
  amount: z.int().check(z.minimum(0)),
  currency: Currency,
});
export type Money = z.infer<typeof Money>;

/** RFC 3339 timestamp in UTC. */
export const Timestamp = z.iso.datetime();
/** A calendar day, `YYYY-MM-DD`. */
export const Day = z.iso.date();

const idOf = (prefix: string) => z.string().check(z.regex(new RegExp(`^${prefix}_[A-Za-z0-9_]{1,64}$`)));
export const Id = {
  agency: idOf('ag'),
  subAccount: idOf('sa'),
  plan: idOf('plan'),
  pack: idOf('pack'),
  quote: idOf('qt'),
  purchase: idOf('pur'),
  planChange: idOf('pc'),
  creditRequest: idOf('cr'),
  entry: idOf('le'),
} as const;

/** Millicredits → credits for display only; arithmetic stays in integers. */
export const toCredits = (millicredits: number): number => millicredits / MILLICREDITS_PER_CREDIT;
/** Whole or fractional credits → millicredits, rounding half away from zero. */
export const toMillicredits = (credits: number): number => Math.round(credits * MILLICREDITS_PER_CREDIT);

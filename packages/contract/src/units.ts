import { BILLING_MODES, POOL_STATUSES, POOLS, VOICE_PROVIDERS } from './constants.js';
import * as z from './zod.js';

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

import { ENTRY_KINDS, PURCHASE_STATUSES } from './constants.js';
import {
  BillingMode,
  Country,
  Currency,
  Day,
  Id,
  Millicredits,
  Money,
  Pool,
  PoolStatus,
  SignedMillicredits,
  Timestamp,
  VoiceProvider,
} from './units.js';
import * as z from './zod.js';

// ---------------------------------------------------------------------------------------------
// Rates

/**
 * Agency-set prices of usage, in millicredits: voice per minute of talk time per provider
 * (billed per second), SMS per message per destination country.
 */
export const RateCard = z.object({
  voice: z.record(VoiceProvider, Millicredits),
  sms: z.record(Country, Millicredits),
});
export type RateCard = z.infer<typeof RateCard>;

// ---------------------------------------------------------------------------------------------
// Balances

export const PoolBalance = z.object({
  pool: Pool,
  /** included remaining + purchased remaining. Negative only after a refund of spent credits. */
  available: SignedMillicredits,
  included: z.object({
    /** What the plan grants per period. */
    granted: Millicredits,
    remaining: Millicredits,
    /** When included credits next reset (the end of the current period). */
    resetsAt: Timestamp,
  }),
  purchased: z.object({
    /** Never expires. Negative only after a refund of spent credits. */
    remaining: SignedMillicredits,
  }),
  /** Client credits consumed in the current period. */
  usedThisPeriod: Millicredits,
  /** Agency-set usage cap for the period (raised by credits bought in the period), or null. */
  cap: z.nullable(z.object({ limit: Millicredits, used: Millicredits })),
  /** Below this `available` the status is `low`. */
  lowThreshold: Millicredits,
  status: PoolStatus,
});
export type PoolBalance = z.infer<typeof PoolBalance>;

export const Balances = z.object({
  /** Per-account sequence number; increases with every change to the account. */
  seq: z.int().check(z.minimum(0)),
  voice: PoolBalance,
  sms: PoolBalance,
  /** Start and end of the current billing period. */
  periodStart: Timestamp,
  periodEnd: Timestamp,
});
export type Balances = z.infer<typeof Balances>;

// ---------------------------------------------------------------------------------------------
// Catalogue: plans, packs, custom quantities

export const Plan = z.object({
  id: Id.plan,
  name: z.string(),
  description: z.string(),
  price: Money,
  interval: z.enum(['month', 'year']),
  /** Included credits per period per pool. */
  included: z.record(Pool, Millicredits),
  /** Whether unused included credits carry into the next period. */
  rollover: z.boolean(),
  /** Usage cap per period per pool (null: uncapped). */
  caps: z.record(Pool, z.nullable(Millicredits)),
  rates: RateCard,
  features: z.array(z.string()),
  recommended: z.boolean(),
});
export type Plan = z.infer<typeof Plan>;

export const Pack = z.object({
  id: Id.pack,
  pool: Pool,
  name: z.string(),
  credits: Millicredits,
  price: Money,
});
export type Pack = z.infer<typeof Pack>;

/**
 * A custom quantity at a per-credit price with volume tiers: the whole quantity is priced at the
 * unit price of the highest tier whose `minCredits` it reaches. Bounds are millicredits, like every
 * credit quantity on the wire; a custom quantity is a whole number of credits (a multiple of 1000).
 */
export const CustomQuantity = z.object({
  pool: Pool,
  minCredits: Millicredits,
  maxCredits: Millicredits,
  currency: Currency,
  tiers: z.array(
    z.object({
      minCredits: Millicredits,
      /** Minor currency units per whole credit (1000 millicredits). */
      unitAmount: z.int().check(z.minimum(0)),
    }),
  ),
});
export type CustomQuantity = z.infer<typeof CustomQuantity>;

// ---------------------------------------------------------------------------------------------
// Brand (agency white-label)

/** `#rgb`, `#rrggbb` or `#rrggbbaa` only: anything else is refused (THREATS 23). */
export const HexColor = z.string().check(z.regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/));

export const Brand = z.object({
  name: z.string(),
  /** Validated again where rendered: widgets drop what is not a safe `https:` URL. */
  logoUrl: z.nullable(z.string()),
  colors: z.object({
    primary: z.string(),
    accent: z.nullable(z.string()),
  }),
  supportEmail: z.nullable(z.string()),
  supportUrl: z.nullable(z.string()),
  /** Agency terminology, e.g. `{ credits: "minutes" }`; widgets use it in their strings. */
  terms: z.record(z.string(), z.string()),
});
export type Brand = z.infer<typeof Brand>;

// ---------------------------------------------------------------------------------------------
// Auto-refill

export const AutoRefillPolicy = z.object({
  allowed: z.boolean(),
  /** Packs the agency allows for auto-refill. */
  packIds: z.array(Id.pack),
  /** The most refills per calendar month a client may choose. */
  maxPerMonth: z.int().check(z.minimum(0)),
});
export type AutoRefillPolicy = z.infer<typeof AutoRefillPolicy>;

export const AutoRefillSetting = z.object({
  pool: Pool,
  enabled: z.boolean(),
  /** Refill when `available` drops below this. */
  threshold: Millicredits,
  packId: z.nullable(Id.pack),
  maxPerMonth: z.int().check(z.minimum(0)),
});
export type AutoRefillSetting = z.infer<typeof AutoRefillSetting>;

export const AutoRefill = z.object({
  policy: AutoRefillPolicy,
  settings: z.array(AutoRefillSetting),
  /** Refills made this calendar month, per pool. */
  refillsThisMonth: z.record(Pool, z.int().check(z.minimum(0))),
  /** The saved payment method refills are charged to (set by a completed checkout). */
  paymentMethod: z.nullable(z.object({ brand: z.string(), last4: z.string() })),
});
export type AutoRefill = z.infer<typeof AutoRefill>;

// ---------------------------------------------------------------------------------------------
// Quotes, purchases, plan changes, credit requests

export const Quote = z.object({
  id: Id.quote,
  pool: Pool,
  packId: z.nullable(Id.pack),
  credits: Millicredits,
  amount: Money,
  expiresAt: Timestamp,
});
export type Quote = z.infer<typeof Quote>;

export const PurchaseStatus = z.enum(PURCHASE_STATUSES);
export type PurchaseStatus = z.infer<typeof PurchaseStatus>;

export const Purchase = z.object({
  id: Id.purchase,
  quoteId: Id.quote,
  pool: Pool,
  credits: Millicredits,
  amount: Money,
  status: PurchaseStatus,
  /** Where to send the user to pay; present while `requires_payment`. */
  checkoutUrl: z.nullable(z.string()),
  createdAt: Timestamp,
  /** Whether the credits were granted (exactly once, on confirmed payment). */
  granted: z.boolean(),
  refunded: z.boolean(),
  failureCode: z.nullable(z.string()),
});
export type Purchase = z.infer<typeof Purchase>;

export const PlanChange = z.object({
  id: Id.planChange,
  fromPlanId: z.nullable(Id.plan),
  toPlanId: Id.plan,
  status: z.enum(['succeeded']),
  effectiveAt: Timestamp,
});
export type PlanChange = z.infer<typeof PlanChange>;

export const CreditRequest = z.object({
  id: Id.creditRequest,
  pool: Pool,
  credits: Millicredits,
  message: z.string(),
  status: z.enum(['open', 'fulfilled', 'declined']),
  createdAt: Timestamp,
});
export type CreditRequest = z.infer<typeof CreditRequest>;

// ---------------------------------------------------------------------------------------------
// Ledger and usage history

export const EntryKind = z.enum(ENTRY_KINDS);
export type EntryKind = z.infer<typeof EntryKind>;

export const UsageDetail = z.union([
  z.object({ kind: z.literal('voice'), seconds: z.int().check(z.minimum(0)), provider: VoiceProvider }),
  z.object({ kind: z.literal('sms'), count: z.int().check(z.minimum(0)), country: Country }),
]);
export type UsageDetail = z.infer<typeof UsageDetail>;

export const LedgerEntry = z.object({
  id: Id.entry,
  seq: z.int().check(z.minimum(1)),
  pool: Pool,
  kind: EntryKind,
  /** Change to included and purchased credits; `available` changes by their sum. */
  delta: z.object({ included: SignedMillicredits, purchased: SignedMillicredits }),
  /** Running balance after this entry. */
  balanceAfter: z.object({
    included: Millicredits,
    purchased: SignedMillicredits,
    available: SignedMillicredits,
  }),
  createdAt: Timestamp,
  description: z.string(),
  usage: z.nullable(UsageDetail),
  purchaseId: z.nullable(Id.purchase),
  usageEventId: z.nullable(z.string()),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export const UsageBucket = z.object({
  day: Day,
  /** Client credits charged that day. */
  credits: Millicredits,
  /** Voice: credits by provider; SMS: credits by country. */
  byKey: z.record(z.string(), Millicredits),
  seconds: z.int().check(z.minimum(0)),
  messages: z.int().check(z.minimum(0)),
});
export type UsageBucket = z.infer<typeof UsageBucket>;

export { BillingMode };

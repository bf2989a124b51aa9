import { MAX_MILLICREDITS } from './constants.js';
import {
  AutoRefill,
  AutoRefillPolicy,
  AutoRefillSetting,
  Balances,
  Brand,
  CustomQuantity,
  LedgerEntry,
  Pack,
  Plan,
  Purchase,
  RateCard,
  UsageBucket,
  UsageDetail,
} from './domain.js';
import {
  BillingMode,
  Country,
  Currency,
  Day,
  Id,
  Millicredits,
  Pool,
  PoolStatus,
  Timestamp,
  VoiceProvider,
} from './units.js';
import * as z from './zod.js';

// Widget API (browser, `Authorization: Bearer <session token>`)

/** `GET /v1/widget`: everything the widgets need for first render, in one round trip. */
export const WidgetBootstrap = z.object({
  serverTime: Timestamp,
  brand: Brand,
  subAccount: z.object({ id: Id.subAccount, name: z.string() }),
  locale: z.string(),
  currency: Currency,
  billingMode: BillingMode,
  autoRefill: AutoRefill,
  balances: Balances,
  plans: z.array(Plan),
  currentPlanId: z.nullable(Id.plan),
  packs: z.array(Pack),
  customQuantities: z.array(CustomQuantity),
  /** The current plan's rate card. */
  rateCard: RateCard,
  /**
   * Millicredits charged to the client per pool for usage in the last `days` days up to `serverTime`,
   * so a widget can say how long the credits last without a second request before first render.
   */
  recentUsage: z.object({ days: z.int().check(z.minimum(1)), voice: Millicredits, sms: Millicredits }),
});
export type WidgetBootstrap = z.infer<typeof WidgetBootstrap>;

/**
 * `POST /v1/quotes`: a pack or a custom whole-credit quantity. Strict: a body that carries a price or
 * amount is refused, the server is the only source of prices (THREATS 7).
 */
export const QuoteRequest = z.union([
  z.strictObject({ pool: Pool, packId: Id.pack }),
  /** Millicredits; a whole number of credits. */
  z.strictObject({ pool: Pool, credits: z.int().check(z.minimum(1000), z.maximum(MAX_MILLICREDITS)) }),
]);
export type QuoteRequest = z.infer<typeof QuoteRequest>;

/** `POST /v1/purchases` (Idempotency-Key required): pays a quote; never an amount (THREATS 7). */
export const PurchaseRequest = z.strictObject({
  quoteId: Id.quote,
  /** Where the checkout returns to; must be on one of the agency's registered origins (THREATS 25). */
  returnUrl: z.optional(z.string()),
});
export type PurchaseRequest = z.infer<typeof PurchaseRequest>;

/** `POST /v1/plan-changes` (Idempotency-Key required). */
export const PlanChangeRequest = z.strictObject({ planId: Id.plan });
export type PlanChangeRequest = z.infer<typeof PlanChangeRequest>;

/**
 * `PUT /v1/auto-refill`: one pool's setting, within the agency's policy. Strict like every widget
 * body: the sub-account comes only from the session token, a `subAccountId` here is refused (THREATS 5).
 */
export const AutoRefillUpdate = z.strictObject(AutoRefillSetting.shape);
export type AutoRefillUpdate = z.infer<typeof AutoRefillUpdate>;

/** `POST /v1/credit-requests` (external billing mode). */
export const CreditRequestCreate = z.strictObject({
  pool: Pool,
  credits: z.int().check(z.minimum(1), z.maximum(MAX_MILLICREDITS)),
  message: z.optional(z.string().check(z.maxLength(2000))),
});
export type CreditRequestCreate = z.infer<typeof CreditRequestCreate>;

export const LedgerPage = z.object({
  entries: z.array(LedgerEntry),
  nextCursor: z.nullable(z.string()),
});
export type LedgerPage = z.infer<typeof LedgerPage>;

export const UsageSeries = z.object({
  pool: Pool,
  from: Day,
  to: Day,
  bucket: z.literal('day'),
  buckets: z.array(UsageBucket),
});
export type UsageSeries = z.infer<typeof UsageSeries>;

// Server-sent events on `GET /v1/events`; the SSE `id:` is the account `seq` the event carries.

/**
 * One change can advance seq by several ledger entries: `prevSeq` is the seq the change started from,
 * so a client holding `prevSeq` (or newer) missed nothing, and one holding less has a gap to refetch.
 */
export const BalanceEvent = z.object({
  type: z.literal('balance'),
  seq: z.int(),
  prevSeq: z.int().check(z.minimum(0)),
  balances: Balances,
});
export const PurchaseEvent = z.object({ type: z.literal('purchase'), seq: z.int(), purchase: Purchase });
export const PlanEvent = z.object({
  type: z.literal('plan'),
  seq: z.int(),
  currentPlanId: Id.plan,
  rateCard: RateCard,
});
export const StreamEvent = z.discriminatedUnion('type', [BalanceEvent, PurchaseEvent, PlanEvent]);
export type BalanceEvent = z.infer<typeof BalanceEvent>;
export type PurchaseEvent = z.infer<typeof PurchaseEvent>;
export type PlanEvent = z.infer<typeof PlanEvent>;
export type StreamEvent = z.infer<typeof StreamEvent>;

// Agency and platform API (server to server, `Authorization: Bearer <agency secret key>`)

export const SessionRequest = z.strictObject({ subAccountId: Id.subAccount });
export const Session = z.object({ token: z.string(), expiresAt: Timestamp, serverTime: Timestamp });
export type SessionRequest = z.infer<typeof SessionRequest>;
export type Session = z.infer<typeof Session>;

/**
 * `POST /v1/usage-events`: idempotent by `id`. Voice carries whole seconds and a provider; SMS a
 * message count and a destination country. Anything else is a 400 with no entry (THREATS 15).
 */
const usageId = z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,128}$/));
const positiveCount = z.int().check(z.minimum(1), z.maximum(1_000_000));
export const UsageEventRequest = z.discriminatedUnion('pool', [
  z.strictObject({
    id: usageId,
    subAccountId: Id.subAccount,
    pool: z.literal('voice'),
    seconds: positiveCount,
    provider: VoiceProvider,
  }),
  z.strictObject({
    id: usageId,
    subAccountId: Id.subAccount,
    pool: z.literal('sms'),
    count: positiveCount,
    country: Country,
  }),
]);
export type UsageEventRequest = z.infer<typeof UsageEventRequest>;

export const UsageEventResult = z.object({
  id: z.string(),
  subAccountId: Id.subAccount,
  pool: Pool,
  /** Millicredits charged to the client (agency rates) and to the agency wallet (platform rates). */
  charged: z.object({ client: Millicredits, agency: Millicredits }),
  usage: UsageDetail,
  /** The usage asked for; `usage` is what was served. */
  requested: UsageDetail,
  /** True when the pool ran out mid-call and the rest was not served. */
  cutOff: z.boolean(),
  status: PoolStatus,
  seq: z.int(),
  /** True when this is the stored result of an earlier event with the same id. */
  replayed: z.boolean(),
});
export type UsageEventResult = z.infer<typeof UsageEventResult>;

export const ManualGrantRequest = z.strictObject({
  pool: Pool,
  credits: z.int().check(z.minimum(1), z.maximum(MAX_MILLICREDITS)),
  note: z.optional(z.string().check(z.maxLength(500))),
});
export type ManualGrantRequest = z.infer<typeof ManualGrantRequest>;

export const SubAccountSettings = z.strictObject({
  planId: z.optional(Id.plan),
  lowThresholds: z.optional(z.partialRecord(Pool, Millicredits)),
  caps: z.optional(z.partialRecord(Pool, z.nullable(Millicredits))),
});
export type SubAccountSettings = z.infer<typeof SubAccountSettings>;

export const SubAccountCreate = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  planId: Id.plan,
});

export const SubAccountView = z.object({
  id: Id.subAccount,
  name: z.string(),
  planId: z.nullable(Id.plan),
  balances: Balances,
});
export type SubAccountView = z.infer<typeof SubAccountView>;

export const AgencySettings = z.strictObject({
  billingMode: z.optional(BillingMode),
  brand: z.optional(z.partial(Brand)),
  autoRefillPolicy: z.optional(AutoRefillPolicy),
  allowedOrigins: z.optional(z.array(z.string())),
});
export type AgencySettings = z.infer<typeof AgencySettings>;

export const AgencyWallet = z.object({
  agencyId: Id.agency,
  /** The agency's own credits at the platform, per pool. */
  balances: z.record(Pool, z.int()),
  /** Platform prices charged to the agency wallet for usage. */
  platformRates: RateCard,
});
export type AgencyWallet = z.infer<typeof AgencyWallet>;

export const WalletTopUp = z.strictObject({
  pool: Pool,
  credits: z.int().check(z.minimum(1), z.maximum(MAX_MILLICREDITS)),
});

export const RefundRequest = z.strictObject({ reason: z.optional(z.string().check(z.maxLength(500))) });

export const CatalogUpdate = z.strictObject({
  plans: z.optional(z.array(Plan)),
  packs: z.optional(z.array(Pack)),
  customQuantities: z.optional(z.array(CustomQuantity)),
});

export { Country, Day, Millicredits, Timestamp };

import type {
  AutoRefillPolicy,
  AutoRefillSetting,
  BillingMode,
  Brand,
  CustomQuantity,
  EntryKind,
  Money,
  Pack,
  Plan,
  Pool,
  PurchaseStatus,
  RateCard,
  UsageDetail,
  UsageEventResult,
} from '@creditkit/contract';

/** Stored records: what the store keeps. Views for the wire are made in views.ts. Times are epoch ms. */

export interface AgencyRecord {
  id: string;
  name: string;
  /** SHA-256 of the secret key: the key itself is never stored. */
  secretKeyHash: string;
  billingMode: BillingMode;
  brand: Brand;
  locale: string;
  currency: string;
  autoRefillPolicy: AutoRefillPolicy;
  allowedOrigins: string[];
  plans: Plan[];
  packs: Pack[];
  customQuantities: CustomQuantity[];
  /** Prices the platform charges the agency wallet for usage. */
  platformRates: RateCard;
  /** The agency's own credits at the platform, per pool (millicredits). */
  wallet: Record<Pool, number>;
  walletSeq: number;
}

export interface PoolState {
  /** Included (plan) credits remaining this period. */
  included: number;
  /** Included credits granted at the start of this period. */
  includedGranted: number;
  /** Purchased and granted credits: never expire. Negative only after refunding spent credits. */
  purchased: number;
  usedThisPeriod: number;
  /** Credits bought in this period: they raise the cap (a capped client continues by buying more). */
  purchasedThisPeriod: number;
  lowThreshold: number;
  /** Usage cap per period, or null. */
  cap: number | null;
  /** Whether the cap came with the plan (and follows plan changes) rather than set by the agency. */
  capFromPlan: boolean;
}

export interface AccountRecord {
  id: string;
  agencyId: string;
  name: string;
  planId: string | null;
  seq: number;
  periodStart: number;
  periodEnd: number;
  pools: Record<Pool, PoolState>;
  autoRefill: Record<Pool, AutoRefillSetting>;
  /** Refills made per pool in `refillMonth` (YYYY-MM). */
  refillMonth: string;
  refillsThisMonth: Record<Pool, number>;
  paymentMethod: { brand: string; last4: string } | null;
  createdAt: number;
}

/** One append-only ledger line. `accountId` is a sub-account or, for wallet entries, an agency. */
export interface EntryRecord {
  id: string;
  accountId: string;
  seq: number;
  pool: Pool;
  kind: EntryKind | 'wallet_top_up' | 'wallet_usage' | 'wallet_set';
  delta: { included: number; purchased: number };
  balanceAfter: { included: number; purchased: number; available: number };
  createdAt: number;
  description: string;
  usage: UsageDetail | null;
  purchaseId: string | null;
  usageEventId: string | null;
}

export interface QuoteRecord {
  id: string;
  accountId: string;
  agencyId: string;
  pool: Pool;
  packId: string | null;
  credits: number;
  amount: Money;
  expiresAt: number;
  createdAt: number;
  purchaseId: string | null;
}

export interface PurchaseRecord {
  id: string;
  accountId: string;
  agencyId: string;
  quoteId: string;
  pool: Pool;
  credits: number;
  amount: Money;
  status: PurchaseStatus;
  kind: 'checkout' | 'auto_refill';
  /** The capability in the test-mode checkout URL. */
  checkoutToken: string;
  checkoutUrl: string | null;
  returnUrl: string | null;
  createdAt: number;
  granted: boolean;
  refunded: boolean;
  failureCode: string | null;
}

export interface UsageEventRecord {
  /** `${agencyId}:${eventId}`: usage ids are unique per agency. */
  key: string;
  /** Hash of the request body: the same id with another body is a conflict. */
  bodyHash: string;
  result: UsageEventResult;
}

export interface IdempotencyRecord {
  key: string;
  bodyHash: string;
  status: number;
  body: unknown;
  createdAt: number;
}

export interface CreditRequestRecord {
  id: string;
  accountId: string;
  pool: Pool;
  credits: number;
  message: string;
  status: 'open' | 'fulfilled' | 'declined';
  createdAt: number;
}

export interface PlanChangeRecord {
  id: string;
  accountId: string;
  fromPlanId: string | null;
  toPlanId: string;
  effectiveAt: number;
}

export interface SessionRecord {
  jti: string;
  accountId: string;
  revoked: boolean;
  expiresAt: number;
}

/** Everything the store keeps, by collection. */
export interface Collections {
  agencies: AgencyRecord;
  accounts: AccountRecord;
  quotes: QuoteRecord;
  purchases: PurchaseRecord;
  usageEvents: UsageEventRecord;
  idempotency: IdempotencyRecord;
  creditRequests: CreditRequestRecord;
  planChanges: PlanChangeRecord;
  sessions: SessionRecord;
  /** secret key hash → agency id */
  agencyKeys: { agencyId: string };
}

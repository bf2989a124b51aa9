import {
  AgencySettings,
  AgencyWallet,
  AutoRefillUpdate,
  CatalogUpdate,
  CreditRequestCreate,
  LedgerPage,
  ManualGrantRequest,
  PlanChangeRequest,
  PurchaseRequest,
  QuoteRequest,
  RefundRequest,
  Session,
  SessionRequest,
  SubAccountCreate,
  SubAccountSettings,
  SubAccountView,
  UsageEventRequest,
  UsageEventResult,
  UsageSeries,
  WalletTopUp,
  WidgetBootstrap,
} from './api.js';
import { AutoRefill, Balances, CreditRequest, PlanChange, Purchase, Quote } from './domain.js';
import { z } from './zod.js';

/** Query strings arrive as strings; the handler turns them into typed values. */
export const LedgerQuery = z.object({
  pool: z.optional(z.enum(['voice', 'sms'])),
  cursor: z.optional(z.string().check(z.regex(/^[0-9]{1,15}$/))),
  limit: z.optional(z.string().check(z.regex(/^[0-9]{1,3}$/))),
});
export const UsageQuery = z.object({
  pool: z.enum(['voice', 'sms']),
  from: z.iso.date(),
  to: z.iso.date(),
  bucket: z.optional(z.literal('day')),
});
export const TestCheckoutAction = z.strictObject({
  token: z.string(),
  action: z.enum(['pay', 'fail', 'cancel']),
});

export type Auth = 'session' | 'secret' | 'none';

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** OpenAPI path template, e.g. `/v1/purchases/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly auth: Auth;
  readonly idempotent?: boolean;
  readonly body?: z.ZodMiniType;
  readonly query?: z.ZodMiniObject;
  /** Success status and body schema (null body for 204 or streams). */
  readonly status: number;
  readonly response: z.ZodMiniType | null;
  readonly contentType?: string;
}

/** Every route of the v1 API. The handler dispatches on this table and the OpenAPI document is made from it. */
export const ROUTES = [
  // Widget API
  { method: 'GET', path: '/v1/widget', operationId: 'getWidget', summary: 'Everything the widgets need for first render', auth: 'session', status: 200, response: WidgetBootstrap },
  { method: 'GET', path: '/v1/balances', operationId: 'getBalances', summary: 'Balances of all pools with seq', auth: 'session', status: 200, response: Balances },
  { method: 'POST', path: '/v1/quotes', operationId: 'createQuote', summary: 'Price a pack or a custom quantity', auth: 'session', body: QuoteRequest, status: 201, response: Quote },
  { method: 'POST', path: '/v1/purchases', operationId: 'createPurchase', summary: 'Pay a quote', auth: 'session', idempotent: true, body: PurchaseRequest, status: 201, response: Purchase },
  { method: 'GET', path: '/v1/purchases/{id}', operationId: 'getPurchase', summary: 'A purchase and its status', auth: 'session', status: 200, response: Purchase },
  { method: 'POST', path: '/v1/plan-changes', operationId: 'changePlan', summary: 'Switch to another agency plan', auth: 'session', idempotent: true, body: PlanChangeRequest, status: 201, response: PlanChange },
  { method: 'GET', path: '/v1/auto-refill', operationId: 'getAutoRefill', summary: 'Auto-refill policy and settings', auth: 'session', status: 200, response: AutoRefill },
  { method: 'PUT', path: '/v1/auto-refill', operationId: 'putAutoRefill', summary: "Set one pool's auto-refill within the agency's policy", auth: 'session', body: AutoRefillUpdate, status: 200, response: AutoRefill },
  { method: 'POST', path: '/v1/credit-requests', operationId: 'createCreditRequest', summary: 'Ask the agency for credits (external billing)', auth: 'session', idempotent: true, body: CreditRequestCreate, status: 201, response: CreditRequest },
  { method: 'GET', path: '/v1/ledger', operationId: 'getLedger', summary: 'Ledger entries, newest first', auth: 'session', query: LedgerQuery, status: 200, response: LedgerPage },
  { method: 'GET', path: '/v1/usage', operationId: 'getUsage', summary: 'Usage per day', auth: 'session', query: UsageQuery, status: 200, response: UsageSeries },
  { method: 'GET', path: '/v1/events', operationId: 'streamEvents', summary: 'Server-sent events: balance, purchase, plan; id is seq', auth: 'session', status: 200, response: null, contentType: 'text/event-stream' },
  // Test-mode checkout (the capability is the token in the checkout URL)
  { method: 'GET', path: '/v1/test-checkout/{id}', operationId: 'getTestCheckout', summary: 'Test-mode checkout page', auth: 'none', status: 200, response: null, contentType: 'text/html' },
  { method: 'POST', path: '/v1/test-checkout/{id}', operationId: 'completeTestCheckout', summary: 'Pay, fail or cancel a test-mode checkout', auth: 'none', body: TestCheckoutAction, status: 200, response: Purchase },
  // Agency and platform API (secret key, server to server)
  { method: 'POST', path: '/v1/sessions', operationId: 'createSession', summary: 'Mint a session token for one sub-account', auth: 'secret', body: SessionRequest, status: 201, response: Session },
  { method: 'POST', path: '/v1/usage-events', operationId: 'recordUsage', summary: 'Charge usage to a sub-account and the agency wallet', auth: 'secret', body: UsageEventRequest, status: 200, response: UsageEventResult },
  { method: 'POST', path: '/v1/sub-accounts', operationId: 'createSubAccount', summary: 'Create a sub-account', auth: 'secret', body: SubAccountCreate, status: 201, response: SubAccountView },
  { method: 'GET', path: '/v1/sub-accounts/{id}', operationId: 'getSubAccount', summary: 'A sub-account and its balances', auth: 'secret', status: 200, response: SubAccountView },
  { method: 'PUT', path: '/v1/sub-accounts/{id}', operationId: 'updateSubAccount', summary: 'Plan, thresholds and caps of a sub-account', auth: 'secret', body: SubAccountSettings, status: 200, response: SubAccountView },
  { method: 'POST', path: '/v1/sub-accounts/{id}/grants', operationId: 'grantCredits', summary: 'Assign credits by hand', auth: 'secret', idempotent: true, body: ManualGrantRequest, status: 201, response: SubAccountView },
  { method: 'POST', path: '/v1/purchases/{id}/refund', operationId: 'refundPurchase', summary: 'Refund a purchase with a reversing entry', auth: 'secret', idempotent: true, body: RefundRequest, status: 200, response: Purchase },
  { method: 'PUT', path: '/v1/agency', operationId: 'updateAgency', summary: 'Billing mode, brand, auto-refill policy, origins', auth: 'secret', body: AgencySettings, status: 200, response: null },
  { method: 'PUT', path: '/v1/agency/catalog', operationId: 'updateCatalog', summary: 'Plans, packs and custom quantities', auth: 'secret', body: CatalogUpdate, status: 200, response: null },
  { method: 'GET', path: '/v1/agency/wallet', operationId: 'getAgencyWallet', summary: "The agency's own credits at the platform", auth: 'secret', status: 200, response: AgencyWallet },
  { method: 'POST', path: '/v1/agency/wallet/top-ups', operationId: 'topUpAgencyWallet', summary: "Add credits to the agency's wallet", auth: 'secret', idempotent: true, body: WalletTopUp, status: 201, response: AgencyWallet },
] as const satisfies readonly RouteSpec[];

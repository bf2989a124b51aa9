// Plain values of the contract, with no zod: the schemas build on them, and the browser entry
// (`@creditkit/contract/browser`) re-exports them without pulling zod into a bundle.

/** 1 credit = 1000 millicredits. Credits cross the wire only as integer millicredits. */
export const MILLICREDITS_PER_CREDIT = 1000;

/** The largest credit quantity one request may carry: 100 million credits, in millicredits. */
export const MAX_MILLICREDITS = 100_000_000_000;

export const POOLS = ['voice', 'sms'] as const;
export const VOICE_PROVIDERS = ['deepgram', 'cartesia', 'elevenlabs'] as const;
/** Pool statuses in precedence order: the first that applies wins. */
export const POOL_STATUSES = ['ok', 'low', 'depleted', 'capped', 'paused'] as const;
export const BILLING_MODES = ['in_app', 'external'] as const;
export const PURCHASE_STATUSES = ['requires_payment', 'processing', 'succeeded', 'failed', 'canceled'] as const;
export const ENTRY_KINDS = [
  'included_grant',
  'period_reset',
  'plan_change',
  'purchase',
  'auto_refill',
  'manual_grant',
  'usage',
  'refund',
] as const;
export const STREAM_EVENT_TYPES = ['balance', 'purchase', 'plan'] as const;

/**
 * Stable error codes. Clients branch and localize on these; messages are for developers.
 * Each maps to one HTTP status (see ERROR_STATUS).
 */
export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'session_expired',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'idempotency_key_required',
  'idempotency_key_mismatch',
  'idempotency_key_in_use',
  'quote_expired',
  'quote_not_found',
  'quote_used',
  'pack_not_found',
  'plan_not_found',
  'quantity_out_of_range',
  'billing_mode_external',
  'billing_mode_in_app',
  'auto_refill_not_allowed',
  'insufficient_credits',
  'service_paused',
  'usage_capped',
  'usage_event_conflict',
  'purchase_not_refundable',
  'checkout_closed',
  'rate_not_found',
  'return_url_not_allowed',
  'plan_unchanged',
  'payment_mismatch',
  'rate_limited',
  'internal_error',
] as const;

/** Millicredits → credits for display only; arithmetic stays in integers. */
export const toCredits = (millicredits: number): number => millicredits / MILLICREDITS_PER_CREDIT;
/** Whole or fractional credits → millicredits, rounding half away from zero. */
export const toMillicredits = (credits: number): number => Math.round(credits * MILLICREDITS_PER_CREDIT);

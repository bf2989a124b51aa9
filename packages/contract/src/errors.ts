import { ERROR_CODES } from './constants.js';
import * as z from './zod.js';

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  session_expired: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  idempotency_key_required: 400,
  idempotency_key_mismatch: 422,
  idempotency_key_in_use: 409,
  quote_expired: 410,
  quote_not_found: 404,
  quote_used: 409,
  pack_not_found: 404,
  plan_not_found: 404,
  quantity_out_of_range: 422,
  billing_mode_external: 409,
  billing_mode_in_app: 409,
  auto_refill_not_allowed: 403,
  insufficient_credits: 402,
  service_paused: 402,
  usage_capped: 402,
  usage_event_conflict: 409,
  purchase_not_refundable: 409,
  checkout_closed: 409,
  rate_not_found: 422,
  return_url_not_allowed: 400,
  plan_unchanged: 409,
  payment_mismatch: 409,
  rate_limited: 429,
  internal_error: 500,
} as const satisfies Record<ErrorCode, number>;

/** The one error shape every endpoint returns. */
export const ErrorBody = z.object({
  error: z.object({
    /**
     * One of ERROR_CODES, but a plain string on the wire: a newer server may add codes, and a client
     * that does not know one must still read the error (it can fall back on the HTTP status).
     */
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    /** For `invalid_request`: the offending fields, as `path: problem`. */
    issues: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

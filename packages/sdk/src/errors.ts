import type { ErrorCode } from '@creditkit/contract';

/** Codes of failures that happen in the browser rather than on the server. */
export const CLIENT_ERROR_CODES = [
  /** Bad options (or a secret key) given to the SDK: fix the embed code. */
  'config',
  /** No session: the session endpoint failed, returned junk or refused. */
  'session',
  /** The request never got an answer (offline, DNS, CORS, connection reset). */
  'network',
  /** No answer within `timeoutMs`. */
  'timeout',
  /** An answer that breaks the contract (HTML instead of JSON, missing fields…). */
  'protocol',
  /** The caller aborted the request. */
  'aborted',
  /** `window.open` was blocked: open the popup from the click handler and pass it in. */
  'popup_blocked',
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
/**
 * Every code a widget may see: the server's stable codes plus the client's. Localize on these. A newer
 * server may send a code this version does not list: it comes through as sent, so keep a generic fallback.
 */
export type CreditkitErrorCode = ErrorCode | ClientErrorCode;

export interface ErrorDetails {
  /** HTTP status, 0 when there was no answer. */
  status?: number;
  /** What failed, e.g. `GET /v1/balances`. */
  endpoint?: string;
  requestId?: string;
  /** For `config`: the option at fault (`apiBase`, `sessionEndpoint`…). */
  field?: string;
  cause?: unknown;
}

/** The one error type of the SDK: branch on `code`, show `message` only to developers. */
export class CreditkitError extends Error {
  readonly code: CreditkitErrorCode;
  readonly status: number;
  readonly endpoint: string | undefined;
  readonly requestId: string | undefined;
  readonly field: string | undefined;

  constructor(code: CreditkitErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = 'CreditkitError';
    this.code = code;
    this.status = details.status ?? 0;
    this.endpoint = details.endpoint;
    this.requestId = details.requestId;
    this.field = details.field;
  }
}

/** Attribute names of the widgets for each option, so one message serves both audiences. */
const ATTRIBUTES: Record<string, string> = { apiBase: 'api-base', sessionEndpoint: 'session-endpoint' };

export const configError = (field: string, expected: string): CreditkitError =>
  new CreditkitError(
    'config',
    `creditkit: \`${field}\`${ATTRIBUTES[field] ? ` (attribute ${ATTRIBUTES[field]})` : ''} ${expected}`,
    { field },
  );

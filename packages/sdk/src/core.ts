import type { ErrorCode } from '@creditkit/contract';
import {
  type CheckFailure,
  type CheckResult,
  check,
  ErrorBody,
  type Schema,
  Timestamp,
} from '@creditkit/contract/browser';
import { type Config, isSecretKey, pageUrl, type SessionToken } from './config.js';
import { CreditkitError, configError } from './errors.js';
import { backoff, sleep } from './util.js';

/** JSON text checked against its contract schema (`null`: any JSON); a failure says where and why. */
export const parse = <T>(schema: Schema<T> | null, text: string): CheckResult<T> => {
  try {
    const json: unknown = JSON.parse(text);
    return schema ? check(schema, json) : { success: true, data: json as T };
  } catch {
    return { success: false, path: [], message: 'not JSON' };
  }
};

/** The typed error for an answer that breaks the contract: names the endpoint and what is wrong (28). */
export const protocolError = (
  endpoint: string,
  what: string,
  { path, message }: CheckFailure,
  status?: number,
): CreditkitError =>
  new CreditkitError(
    'protocol',
    `${endpoint}: ${what} does not match the API contract (${path.join('.') || 'body'}: ${message}).`,
    { status, endpoint },
  );

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Idempotency-Key: makes a POST safe to retry, and is reused on every retry. */
  key?: string;
  signal?: AbortSignal | undefined;
}

/** Retry-After beyond this: give up instead of waiting (the error says rate_limited / internal_error). */
const MAX_RETRY_AFTER = 60_000;
const SESSION_ATTEMPTS = 3;

export type Core = ReturnType<typeof createCore>;

/**
 * The one fetch wrapper, the session token and the server clock. Nothing here runs until a request is made.
 * - timeouts through AbortSignal; retries with jittered backoff for GET/PUT and keyed POSTs only, on
 *   network failures, timeouts, 429 and 5xx, honouring Retry-After in seconds or as an HTTP date (26, 27);
 * - after a 401: one token refresh shared by every concurrent caller, then one retry, same key (4);
 * - every 2xx body parsed with its contract schema; a failure is a `protocol` error naming the endpoint (28);
 * - token expiry judged on the API server's clock, never the browser's (33);
 * - `close()` is final: it aborts every request, retry wait and token fetch in flight, and refuses new ones.
 */
export function createCore(config: Config, onSessionFailure: (error: CreditkitError) => void) {
  const { apiBase, timeoutMs, retries, fetch: send } = config;
  const closer = new AbortController();
  const closed = closer.signal;
  const destroyed = (): CreditkitError => new CreditkitError('aborted', 'creditkit: the client was destroyed.');

  // ---- server clock: offset of the API server's clock from ours, known after the first answer
  let skew = 0;
  let synced = false;
  const serverNow = (): number => Date.now() + skew;
  const setSkew = (value: number): void => {
    skew = value;
    synced = true;
    // A token that came before the clock was known: its refresh margin is judged now (33).
    if (margin < 0) margin = Math.min(60_000, Math.max(0, expiresAt - serverNow()) / 4);
  };
  /** `Date` headers have one-second resolution: take them only when they disagree by more than that. */
  const syncDate = (response: Response): void => {
    const date = Date.parse(response.headers.get('date') ?? '') + 500;
    if (date) setSkew(Math.abs(date - Date.now() - skew) > 1500 ? date - Date.now() : skew);
  };
  const syncTime = (iso: string | undefined): void => {
    const time = Date.parse(iso ?? '');
    if (time) setSkew(time - Date.now());
  };

  // ---- session token, in memory only
  let token = '';
  let expiresAt = 0;
  let margin = 0;
  let refreshing: Promise<string> | null = null;

  const accept = (value: unknown): string => {
    const s = value as Partial<SessionToken> | null;
    if (isSecretKey(s?.token)) {
      throw configError(
        config.sessionEndpoint ? 'sessionEndpoint' : 'fetchSessionToken',
        'returned a secret key, not a session token (mint one with POST /v1/sessions).',
      );
    }
    if (typeof s?.token !== 'string' || !s.token || s.token.length > 4096 || !check(Timestamp, s.expiresAt).success) {
      throw new CreditkitError('protocol', 'creditkit: the session endpoint must return { token, expiresAt }.', {
        endpoint: 'session',
      });
    }
    token = s.token;
    expiresAt = Date.parse(s.expiresAt as string);
    // Refresh a quarter of the lifetime (at most a minute) before expiry, by the server's clock: without
    // `serverTime` and before any answer, the margin waits for the first answer to set the clock.
    margin = -1;
    syncTime(s.serverTime);
    if (synced) setSkew(skew); // the clock is known: judge the margin now
    return token;
  };

  /** Asks the agency's site for a token: bounded attempts; a refusal (401/403) or a secret key is final (3). */
  const obtain = async (): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      try {
        if (attempt > 1) await sleep(backoff(500, attempt - 2), closed);
        const value = config.fetchSessionToken
          ? await Promise.race([
              config.fetchSessionToken(),
              sleep(timeoutMs).then(() =>
                Promise.reject(new CreditkitError('timeout', 'creditkit: fetchSessionToken did not answer in time.')),
              ),
            ])
          : await request<unknown>('POST', config.sessionEndpoint as string, null, {}, false);
        closed.throwIfAborted();
        return accept(value);
      } catch (error) {
        if (closed.aborted) throw destroyed();
        const e = error as CreditkitError;
        if (e.code === 'config' || e.status === 401 || e.status === 403 || attempt >= SESSION_ATTEMPTS) {
          const failure =
            e.code === 'config'
              ? e
              : new CreditkitError('session', `creditkit: could not get a session token (${e.message ?? e})`, {
                  status: e.status,
                  endpoint: 'session',
                  cause: e,
                });
          onSessionFailure(failure);
          throw failure;
        }
      }
    }
  };

  /** A new token; concurrent callers share one refresh, and a caller holding a replaced token gets the new one. */
  const refresh = (stale?: string): Promise<string> =>
    stale !== undefined && stale !== token && token
      ? Promise.resolve(token)
      : (refreshing ??= obtain().finally(() => {
          refreshing = null;
        }));

  /** The current token, refreshed first when it is within its margin of expiry by the server's clock. */
  const getToken = (): Promise<string> =>
    token && (!synced || serverNow() < expiresAt - margin) && !refreshing ? Promise.resolve(token) : refresh();

  /** ms until the token should be refreshed (by the server's clock). */
  const tokenTtl = (): number => expiresAt - margin - serverNow();

  const failure = async (response: Response, endpoint: string): Promise<CreditkitError> => {
    const { status } = response;
    const parsed = parse(ErrorBody, await response.text().catch(() => ''));
    const body = parsed.success ? parsed.data : undefined;
    const details = {
      status,
      endpoint,
      requestId: body?.error.requestId ?? response.headers.get('x-request-id') ?? undefined,
    };
    // The code is the server's even when this version does not know it (a newer server): a typed error
    // with the server's message, not a protocol error. Widgets localize unknown codes generically.
    return body
      ? new CreditkitError(body.error.code as ErrorCode, `${endpoint}: ${body.error.message}`, details)
      : new CreditkitError(
          status === 429 ? 'rate_limited' : status >= 500 ? 'internal_error' : 'protocol',
          `${endpoint} answered ${status} without the error shape.`,
          details,
        );
  };

  /**
   * One request. `path` is an API path (`/v1/…`) or, with `auth` false, any URL (the session endpoint).
   * `schema` null: the body is returned as parsed JSON (the caller checks it).
   */
  async function request<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    schema: Schema<T> | null,
    { query, body, key, signal: caller }: RequestOptions = {},
    auth = true,
  ): Promise<T> {
    const signal = caller ? AbortSignal.any([caller, closed]) : closed;
    const url = new URL(auth ? apiBase + path : path, pageUrl());
    for (const [name, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const endpoint = auth ? `${method} ${path}` : `${method} ${config.sessionEndpoint}`;
    const aborted = (cause: unknown) => new CreditkitError('aborted', `${endpoint}: aborted.`, { endpoint, cause });
    // GET and PUT are idempotent by nature; a POST only with its Idempotency-Key (27).
    const retryable = method !== 'POST' || key !== undefined;
    let reauthorized = false;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw aborted(signal.reason);
      const headers: Record<string, string> = { accept: 'application/json' };
      const used = auth ? await getToken() : '';
      if (auth) headers.authorization = `Bearer ${used}`;
      if (key) headers['idempotency-key'] = key;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response | undefined;
      let error: CreditkitError;
      try {
        response = await send(url.href, {
          method,
          headers,
          body: body === undefined ? null : JSON.stringify(body),
          credentials: auth ? 'omit' : 'same-origin',
          cache: 'no-store',
          signal: AbortSignal.any([signal, timeout]),
        });
        if (auth) syncDate(response);
        if (response.ok) {
          const parsed = parse(schema, await response.text());
          if (!parsed.success) throw protocolError(endpoint, 'the answer', parsed, response.status);
          return parsed.data;
        }
        if (response.status === 401 && auth && !reauthorized) {
          // Exactly one refresh, shared with every concurrent 401, then one more try (same key).
          reauthorized = true;
          await refresh(used);
          attempt--;
          continue;
        }
        error = await failure(response, endpoint);
      } catch (thrown) {
        if (thrown instanceof CreditkitError) throw thrown;
        if (signal.aborted) throw aborted(thrown);
        error = timeout.aborted
          ? new CreditkitError('timeout', `${endpoint}: no answer within ${timeoutMs} ms.`, { endpoint })
          : new CreditkitError('network', `${endpoint}: network failure.`, { endpoint, cause: thrown });
      }
      const status = response?.status ?? 0;
      if (!retryable || attempt >= retries || !(status === 0 || status === 429 || status >= 500)) throw error;
      // Retry-After: seconds, or an HTTP date read on the server's clock.
      const after = response?.headers.get('retry-after') ?? '';
      const wait = /^\d+$/.test(after) ? +after * 1000 : after ? Date.parse(after) - serverNow() : 0;
      if (wait > MAX_RETRY_AFTER) throw error;
      await sleep(Math.max(wait || 0, backoff(300, attempt)), signal).catch((cause) => {
        throw aborted(cause);
      });
    }
  }

  return {
    request,
    getToken,
    refresh,
    tokenTtl,
    serverNow,
    syncTime,
    closed,
    /** Final: forgets the token and aborts everything in flight. */
    close(): void {
      token = '';
      closer.abort();
    },
  };
}

import { configError } from './errors.js';

/** What an agency backend's session endpoint (or `fetchSessionToken`) returns. */
export interface SessionToken {
  /** A short-lived session token minted by `POST /v1/sessions` (starts with `cks_`). */
  token: string;
  /** RFC 3339, in the API server's clock. */
  expiresAt: string;
  /** The API server's clock when the token was minted (pass it through from `POST /v1/sessions`). */
  serverTime?: string;
}

export interface ClientOptions {
  /** Absolute `https:` URL of the API (`http:` only for localhost). Attribute `api-base`. */
  apiBase: string;
  /**
   * A URL on the agency's own site that returns `{ token, expiresAt }` for the signed-in user. The SDK
   * calls it with `POST`, no body, `credentials: 'same-origin'` (the agency's session cookie goes along;
   * POST is never cached and cannot be triggered by an `<img>`). Attribute `session-endpoint`.
   */
  sessionEndpoint?: string;
  /** Instead of `sessionEndpoint`: any way of getting a session token. */
  fetchSessionToken?: () => Promise<SessionToken>;
  /** BCP 47 locale for formatting; defaults to the agency's. */
  locale?: string;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** Per request, in ms (default 10 000). */
  timeoutMs?: number;
  /** Retries of GET/PUT and keyed POSTs after a network failure, timeout, 429 or 5xx (default 3). */
  retries?: number;
  /** The event stream is reconnected when silent this long, in ms (default 45 000: three heartbeats). */
  heartbeatTimeoutMs?: number;
  /** Base delay before reconnecting the event stream, in ms (default: the server's `retry:`, else 1 000). */
  reconnectMs?: number;
  /** Balance polling interval while the event stream is down, in ms (default 15 000). */
  pollMs?: number;
}

/**
 * Secret credentials that must never reach a browser: Stripe-style keys, webhook secrets, ours. In an
 * option (a URL may carry one, `?key=sk_live_…`) a key may start after any separator but the two that
 * base64url tokens are made of (`-`, `_`).
 */
const SECRET = /(?:^|[^A-Za-z0-9_-])(?:sk_|rk_|whsec_)|ck_sk_/;
export const looksSecret = (value: unknown): boolean => typeof value === 'string' && SECRET.test(value);
/**
 * A session token is opaque base64url (`cks_<payload>.<mac>`), which can contain `_sk_` or `.rk_` by chance
 * (about 1 token in 20 000): only a value that *is* a secret key is refused there.
 */
const SECRET_KEY = /^(?:sk_|rk_|whsec_|ck_sk_)/;
export const isSecretKey = (value: unknown): boolean => typeof value === 'string' && SECRET_KEY.test(value);

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])$/;

/** The page's URL, to resolve relative URLs against (none outside a page). */
export const pageUrl = (): string | undefined => (typeof location === 'undefined' ? undefined : location.href);

/** `https:`, or `http:` on the page's own origin or a loopback host (local development). */
export function isSafeUrl(url: URL): boolean {
  return (
    url.protocol === 'https:' ||
    (url.protocol === 'http:' &&
      (LOOPBACK.test(url.hostname) || (typeof location !== 'undefined' && url.origin === location.origin)))
  );
}

export interface Config extends Required<Omit<ClientOptions, 'sessionEndpoint' | 'fetchSessionToken' | 'locale'>> {
  sessionEndpoint: string | undefined;
  fetchSessionToken: (() => Promise<SessionToken>) | undefined;
  locale: string | undefined;
  reconnectMs: number;
}

const positive = (options: ClientOptions, name: keyof ClientOptions, fallback: number): number => {
  const value = options[name] ?? fallback;
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw configError(name, 'must be a number ≥ 0.');
  }
  return value;
};

/** Checks the options without touching the network; every failure names the option and what was expected. */
export function readConfig(options: ClientOptions): Config {
  if (!options || typeof options !== 'object')
    throw configError('options', 'must be an object { apiBase, sessionEndpoint }.');
  // First, before anything can be sent or echoed: a secret key anywhere in the options (THREATS 1).
  for (const [key, value] of Object.entries(options)) {
    if (looksSecret(value)) {
      throw configError(key, 'looks like a secret key: keep it on your server, give a session endpoint.');
    }
  }
  const { apiBase, sessionEndpoint, fetchSessionToken, locale } = options;
  let base: URL | undefined;
  try {
    base = new URL(apiBase);
  } catch {}
  if (typeof apiBase !== 'string' || !base || !isSafeUrl(base) || base.search || base.hash || base.username) {
    throw configError('apiBase', 'must be an https: URL (http: only for localhost).');
  }
  if ((sessionEndpoint === undefined) === (fetchSessionToken === undefined)) {
    throw configError('sessionEndpoint', 'is required (or fetchSessionToken, not both).');
  }
  if (sessionEndpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(sessionEndpoint, pageUrl());
    } catch {}
    if (typeof sessionEndpoint !== 'string' || !sessionEndpoint || !url || !isSafeUrl(url)) {
      throw configError('sessionEndpoint', 'must be a path or https: URL on your site.');
    }
  }
  if (fetchSessionToken !== undefined && typeof fetchSessionToken !== 'function') {
    throw configError('fetchSessionToken', 'must be a function returning { token, expiresAt }.');
  }
  if (locale !== undefined) {
    try {
      Intl.getCanonicalLocales(locale);
    } catch {
      throw configError('locale', 'must be a BCP 47 tag such as "en-US".');
    }
  }
  const fetcher = options.fetch ?? globalThis.fetch;
  if (typeof fetcher !== 'function') throw configError('fetch', 'must be a function.');
  return {
    apiBase: base.href.replace(/\/+$/, ''),
    sessionEndpoint,
    fetchSessionToken,
    locale,
    fetch: fetcher,
    timeoutMs: positive(options, 'timeoutMs', 10_000),
    retries: positive(options, 'retries', 3),
    heartbeatTimeoutMs: positive(options, 'heartbeatTimeoutMs', 45_000),
    reconnectMs: positive(options, 'reconnectMs', 0),
    pollMs: positive(options, 'pollMs', 15_000),
  };
}

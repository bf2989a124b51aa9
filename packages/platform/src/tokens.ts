import { base64url, fromBase64url } from './ids.js';

/** Session tokens: `cks_<payload>.<HMAC-SHA256>`; they name one sub-account and expire within 15 minutes. */
export interface SessionClaims {
  /** sub-account id */
  sub: string;
  /** agency id */
  agy: string;
  /** token id, for revocation */
  jti: string;
  /** expiry, epoch seconds */
  exp: number;
}

export const SESSION_PREFIX = 'cks_';
export const MAX_SESSION_SECONDS = 15 * 60;

export class TokenSigner {
  readonly #key: Promise<CryptoKey>;

  constructor(secret: string | Uint8Array) {
    const raw = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
    this.#key = crypto.subtle.importKey('raw', raw as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
  }

  async sign(claims: SessionClaims): Promise<string> {
    const payload = base64url(new TextEncoder().encode(JSON.stringify(claims)));
    const mac = await crypto.subtle.sign('HMAC', await this.#key, new TextEncoder().encode(payload));
    return `${SESSION_PREFIX}${payload}.${base64url(new Uint8Array(mac))}`;
  }

  /** The claims of a well-signed token (expiry is the caller's decision), or null. */
  async verify(token: string): Promise<SessionClaims | null> {
    if (!token.startsWith(SESSION_PREFIX) || token.length > 2048) return null;
    const [payload, mac] = token.slice(SESSION_PREFIX.length).split('.');
    if (!payload || !mac) return null;
    try {
      const ok = await crypto.subtle.verify(
        'HMAC',
        await this.#key,
        fromBase64url(mac) as BufferSource,
        new TextEncoder().encode(payload),
      );
      if (!ok) return null;
      const claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload))) as SessionClaims;
      return typeof claims.sub === 'string' && typeof claims.exp === 'number' ? claims : null;
    } catch {
      return null;
    }
  }
}

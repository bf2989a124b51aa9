import type { Database } from './db/database.js';
import { agencies } from './db/schema.js';

const ALLOW = {
  'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, idempotency-key, last-event-id',
  'access-control-expose-headers': 'x-request-id, retry-after, date',
  'access-control-max-age': '600',
};

/** The agency named in a session token's payload (unverified: the handler verifies the token itself). */
export function sessionAgency(authorization: string | null): string | null {
  const token = /^Bearer cks_([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$/i.exec(authorization ?? '')?.[1];
  if (!token) return null;
  try {
    const claims = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { agy?: unknown };
    return typeof claims.agy === 'string' ? claims.agy : null;
  } catch {
    return null;
  }
}

/**
 * CORS from the agencies' registered origins. A preflight carries no credentials, so it is allowed for
 * an origin any agency registered; the real request carries a session token, and is allowed only for
 * an origin of *that token's* agency. Secret-key routes get no CORS at all: they are for servers.
 * Origins are cached for a few seconds (and reloaded at once after this instance changes an agency).
 */
export class OriginPolicy {
  readonly #database: Database;
  readonly #ttlMs: number;
  readonly #extra: readonly string[];
  #byAgency = new Map<string, Set<string>>();
  #all = new Set<string>();
  #loadedAt = -Infinity;
  #loading: Promise<void> | null = null;

  constructor(database: Database, options: { ttlMs?: number; extraOrigins?: readonly string[] } = {}) {
    this.#database = database;
    this.#ttlMs = options.ttlMs ?? 5_000;
    this.#extra = options.extraOrigins ?? [];
  }

  invalidate(): void {
    this.#loadedAt = -Infinity;
  }

  async #fresh(): Promise<void> {
    if (Date.now() - this.#loadedAt < this.#ttlMs) return;
    this.#loading ??= this.#database
      .exclusive((db) => db.select({ id: agencies.id, value: agencies.value }).from(agencies))
      .then((rows) => {
        this.#byAgency = new Map(
          rows.map((r) => [r.id, new Set((r.value as { allowedOrigins?: string[] }).allowedOrigins ?? [])]),
        );
        this.#all = new Set([...this.#extra, ...[...this.#byAgency.values()].flatMap((s) => [...s])]);
        this.#loadedAt = Date.now();
      })
      .finally(() => {
        this.#loading = null;
      });
    await this.#loading;
  }

  /** CORS response headers for a request (empty when its origin is not allowed). */
  async headers(request: Request): Promise<Record<string, string>> {
    const origin = request.headers.get('origin');
    if (!origin) return {};
    await this.#fresh();
    let allowed: boolean;
    if (request.method === 'OPTIONS') allowed = this.#all.has(origin);
    else {
      const agency = sessionAgency(request.headers.get('authorization'));
      allowed = agency !== null && (this.#byAgency.get(agency)?.has(origin) === true || this.#extra.includes(origin));
    }
    return allowed ? { 'access-control-allow-origin': origin, ...ALLOW } : {};
  }
}

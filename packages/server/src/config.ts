import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Level } from './log.js';

/** The repository root (packages/server/src → ../../..): default places for data and static files. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServerConfig {
  port: number;
  host: string;
  /** PostgreSQL when set; otherwise embedded PGlite in `pgliteDir`. */
  databaseUrl: string | null;
  pgliteDir: string;
  /** Public origin behind a proxy (checkout links, the demo agency's allowed origins). */
  publicUrl: string | null;
  /** Origins added to the demo agency's registered origins (CORS, return URLs). */
  allowedOrigins: string[];
  /** HMAC key for session tokens; generated once and kept in the database when unset. */
  sessionSecret: string | null;
  seed: boolean;
  stripe: {
    secretKey: string;
    webhookSecret: string;
    /** agencyId → connected account id (`acct_…`), registered at startup. */
    connectedAccounts: Record<string, string>;
  } | null;
  logLevel: Level;
  /** Static folders: the demo site and the script-tag bundles (mounted only if they exist). */
  siteDir: string | null;
  cdnDir: string | null;
  /** Milliseconds to wait for in-flight requests on shutdown. */
  shutdownGraceMs: number;
  /** PostgreSQL pool size. */
  poolSize: number;
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Reads the server's configuration from environment variables (see the package README). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${env.PORT}.`);
  const stripeKey = env.STRIPE_SECRET_KEY?.trim();
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim();
  if (stripeKey && !webhookSecret)
    throw new Error('STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: webhooks could not be verified.');
  const connectedAccounts = Object.fromEntries(
    list(env.STRIPE_CONNECTED_ACCOUNTS).map((pair) => {
      const [agency, account] = pair.split('=');
      if (!agency || !account?.startsWith('acct_'))
        throw new Error(`STRIPE_CONNECTED_ACCOUNTS: expected agencyId=acct_…, got "${pair}".`);
      return [agency, account];
    }),
  );
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL?.trim() || null,
    pgliteDir: resolve(env.PGLITE_DIR ?? resolve(REPO_ROOT, '.data/pglite')),
    publicUrl: env.PUBLIC_URL?.trim() || null,
    allowedOrigins: list(env.ALLOWED_ORIGINS),
    sessionSecret: env.SESSION_SECRET?.trim() || null,
    seed: env.SEED !== '0' && env.SEED !== 'false',
    stripe: stripeKey && webhookSecret ? { secretKey: stripeKey, webhookSecret, connectedAccounts } : null,
    logLevel: (['debug', 'info', 'warn', 'error'] as const).find((l) => l === env.LOG_LEVEL) ?? 'info',
    siteDir: resolve(REPO_ROOT, 'dist/demo'),
    cdnDir: resolve(REPO_ROOT, 'dist/cdn'),
    shutdownGraceMs: Number(env.SHUTDOWN_GRACE_MS ?? 10_000),
    poolSize: Number(env.PG_POOL_SIZE ?? 10),
  };
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Engine, type EventBus, type HandlerOptions } from '@creditkit/platform';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { LocalBus, PgNotifyBus } from './bus.js';
import type { ServerConfig } from './config.js';
import { OriginPolicy } from './cors.js';
import { type Database, openPglite, openPostgres, withAdvisoryLock } from './db/database.js';
import { createLogger, type Logger } from './log.js';
import { ServerMeta, sessionSecret } from './meta.js';
import { PaymentAccounts } from './payments/accounts.js';
import { createStripeClient, StripeGateway, StripeWebhooks } from './payments/stripe.js';
import { seedDemo } from './seed.js';
import { SqlStore } from './store.js';

const SEED_LOCK = 7_215_003_002;

export interface StartOptions extends Partial<ServerConfig> {
  log?: Logger;
  /** Test hooks: Stripe client options (a local fake API), handler options. */
  stripeClient?: ConstructorParameters<typeof import('stripe').default>[1];
  handler?: HandlerOptions;
  /** Use an already open database (tests share one per file); it is not closed by `close()`. */
  database?: Database;
}

export interface RunningServer {
  /** `http://host:port` the server listens on. */
  url: string;
  port: number;
  engine: Engine;
  database: Database;
  bus: EventBus;
  accounts: PaymentAccounts;
  log: Logger;
  /** Graceful shutdown: stop accepting, finish in-flight requests, end event streams, close the database. */
  close(): Promise<void>;
}

const DEFAULTS: Omit<ServerConfig, 'pgliteDir' | 'siteDir' | 'cdnDir'> = {
  port: 8787,
  host: '127.0.0.1',
  databaseUrl: null,
  publicUrl: null,
  allowedOrigins: [],
  sessionSecret: null,
  seed: true,
  stripe: null,
  logLevel: 'info',
  shutdownGraceMs: 10_000,
  poolSize: 10,
};

/** Opens the database, migrates, seeds, and serves the API. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const config = { ...DEFAULTS, ...options };
  const log = options.log ?? createLogger({ level: config.logLevel });
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (config.databaseUrl
      ? await openPostgres({
          connectionString: config.databaseUrl,
          max: config.poolSize,
          onError: (error) => log.warn('idle database connection lost', { error: error.message }),
        })
      : await openPglite({ dataDir: config.pgliteDir ?? '.data/pglite' }));
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    if (ownsDatabase) {
      cleanup.push(() => database.close());
      await database.migrate();
    }
    const meta = new ServerMeta(database);
    const accounts = new PaymentAccounts(database);
    await accounts.refresh();

    let bus: EventBus;
    if (database.kind === 'postgres' && database.pool && database.connectionString) {
      const pgBus = new PgNotifyBus({ pool: database.pool, connectionString: database.connectionString, log });
      await pgBus.start();
      cleanup.unshift(() => pgBus.close());
      bus = pgBus;
    } else bus = new LocalBus();

    const stripe = config.stripe ? createStripeClient({ ...config.stripe, client: options.stripeClient }) : null;
    if (config.stripe) {
      const livemode = /^(sk|rk)_live_/.test(config.stripe.secretKey);
      for (const [agencyId, accountId] of Object.entries(config.stripe.connectedAccounts)) {
        await accounts.set({ agencyId, accountId, livemode });
      }
    }
    const store = new SqlStore(database, {
      onRetry: (state, attempt) => log.debug('transaction retried', { sqlState: state, attempt }),
    });
    const engine = new Engine({
      store,
      bus,
      sessionSecret: config.sessionSecret ?? (await sessionSecret(meta)),
      ...(stripe ? { gateway: new StripeGateway(stripe, accounts) } : {}),
    });
    const webhooks =
      stripe && config.stripe
        ? new StripeWebhooks({ stripe, ...config.stripe, engine, database, accounts, log })
        : null;

    const origins = new OriginPolicy(database, { extraOrigins: config.allowedOrigins });
    const { app, streams, inflight, shutdown } = createApp({
      engine,
      database,
      log,
      origins,
      webhooks,
      publicUrl: config.publicUrl,
      staticDirs: { site: config.siteDir ?? null, cdn: config.cdnDir ?? null },
      demoBackend: config.seed,
      ...(options.handler ? { handler: options.handler } : {}),
    });

    const server = await new Promise<Server>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
        resolve(s as Server),
      ) as Server;
      s.once('error', reject);
    });
    cleanup.unshift(async () => {
      server.close();
      server.closeAllConnections();
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

    if (config.seed) {
      const seedOrigins = [
        ...new Set(
          [config.publicUrl, url, `http://localhost:${port}`, ...config.allowedOrigins].filter((o): o is string => !!o),
        ),
      ].map((o) => new URL(o).origin);
      const { created } = await withAdvisoryLock(database, SEED_LOCK, () => seedDemo(engine, meta, seedOrigins));
      if (created) log.info('seeded the demo agency and its clients');
    }
    const refresh = setInterval(() => accounts.refresh().catch(() => undefined), 30_000);
    refresh.unref();
    log.info('listening', { url, port, database: database.kind, gateway: stripe ? 'stripe' : 'test' });

    let closing: Promise<void> | null = null;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        log.info('shutting down', { inflight: inflight(), streams: streams.size });
        shutdown();
        clearInterval(refresh);
        // Stop accepting; resolves once every connection is gone.
        const drained = new Promise<boolean>((resolve) => server.close(() => resolve(true)));
        streams.closeAll(); // event streams end cleanly; clients reconnect (to another instance)
        const deadline = Date.now() + config.shutdownGraceMs;
        // Connections close as they fall idle: in-flight requests finish, ended streams flush.
        while (Date.now() < deadline) {
          server.closeIdleConnections();
          const done = await Promise.race([drained, new Promise<boolean>((r) => setTimeout(() => r(false), 25))]);
          if (done) break;
        }
        if (inflight() > 0) log.warn('shutdown grace period over: closing busy connections', { inflight: inflight() });
        server.closeAllConnections();
        for (const step of cleanup) await step().catch((error) => log.warn('shutdown step failed', { error }));
        log.info('stopped');
      })());
    return { url, port, engine, database, bus, accounts, log, close };
  } catch (error) {
    for (const step of cleanup) await step().catch(() => undefined);
    throw error;
  }
}

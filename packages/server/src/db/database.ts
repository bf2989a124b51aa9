import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockDataDir } from './lock.js';

export type Db = PgDatabase<PgQueryResultHKT>;

/** The SQL migrations (drizzle-kit output), applied in order at startup. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
/** pg_advisory_lock key for migrations: one instance migrates, the others wait, then find nothing to do. */
const MIGRATION_LOCK = 7_215_003_001;

/** One database: embedded PGlite or a PostgreSQL pool, behind the same Drizzle API. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** The pool (PostgreSQL only): LISTEN/NOTIFY and the tests use it directly. */
  readonly pool: pg.Pool | null;
  readonly connectionString: string | null;
  /**
   * Runs `work` with the database to itself where it matters: PGlite has one connection, so every
   * use is serialized in process; PostgreSQL runs it at once (transactions isolate themselves).
   */
  exclusive<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /** Applies pending migrations under a PostgreSQL advisory lock. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** A FIFO mutex: PGlite's one connection, shared by transactions and plain queries. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

export interface PgliteOptions {
  /** A directory (created if missing) or `memory://` for a throwaway database. */
  dataDir: string;
}

export async function openPglite({ dataDir }: PgliteOptions): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  let release = (): void => {};
  if (!inMemory) {
    mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
  }
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? undefined : dataDir);
  } catch (error) {
    release();
    throw error;
  }
  const db = drizzlePglite({ client }) as unknown as Db;
  const mutex = new Mutex();
  let closed = false;
  return {
    kind: 'pglite',
    db,
    pool: null,
    connectionString: null,
    exclusive: (work) => mutex.run(() => work(db)),
    migrate: () =>
      mutex.run(async () => {
        // One process per directory (the lock file), so the advisory lock is a formality kept for symmetry.
        await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
        try {
          await migratePglite(drizzlePglite({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
        }
      }),
    async close() {
      if (closed) return;
      closed = true;
      await mutex.run(() => client.close());
      release();
    },
  };
}

export interface PostgresOptions {
  connectionString: string;
  /** Pool size (default 10). */
  max?: number;
  onError?: (error: Error) => void;
}

export async function openPostgres({ connectionString, max = 10, onError }: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max, application_name: 'creditkit-server' });
  // An idle client that loses its connection emits here; without a listener the process would crash.
  pool.on('error', (error) => onError?.(error));
  await pool.query('SELECT 1'); // fail fast with a clear error when the database is unreachable
  const db = drizzleNodePg({ client: pool }) as unknown as Db;
  let closed = false;
  return {
    kind: 'postgres',
    db,
    pool,
    connectionString,
    exclusive: (work) => work(db),
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
        try {
          await migrateNodePg(drizzleNodePg({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** PostgreSQL's SQLSTATE of an error (Drizzle wraps driver errors in `cause`). */
export function sqlState(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export const ping = (database: Database): Promise<unknown> => database.exclusive((db) => db.execute(sql`SELECT 1`));

/**
 * Runs `work` while holding a PostgreSQL advisory lock (one instance at a time, e.g. seeding). On
 * PGlite there is only one process, so it just runs.
 */
export async function withAdvisoryLock<T>(database: Database, key: number, work: () => Promise<T>): Promise<T> {
  if (!database.pool) return work();
  const client = await database.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    client.release();
  }
}

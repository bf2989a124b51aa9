import type { Collections, EntryQuery, EntryRecord, Store, Tx } from '@creditkit/platform';
import { selectEntries } from '@creditkit/platform';
import { and, asc, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { PgTransaction } from 'drizzle-orm/pg-core';
import { type Database, type Db, sqlState } from './db/database.js';
import * as schema from './db/schema.js';

type Kind = keyof Collections;
type DbTx = PgTransaction<never, never, never> | Db;

export const COLLECTION_TABLES: Record<Kind, schema.CollectionTable> = {
  agencies: schema.agencies,
  accounts: schema.accounts,
  quotes: schema.quotes,
  purchases: schema.purchases,
  usageEvents: schema.usageEvents,
  idempotency: schema.idempotencyKeys,
  creditRequests: schema.creditRequests,
  planChanges: schema.planChanges,
  sessions: schema.sessions,
  agencyKeys: schema.agencyKeys,
};

/**
 * SQLSTATEs after which the whole unit of work runs again: serialization failure, deadlock, and
 * unique violation (two racing transactions inserted the same usage event or idempotency record:
 * the loser's retry finds the winner's record and replays its result).
 */
const RETRYABLE = new Set(['40001', '40P01', '23505']);

export interface SqlStoreOptions {
  /** Tries per transaction before a retryable failure is given up (default 5). */
  maxAttempts?: number;
  /** Called before each retry (metrics, logs). */
  onRetry?: (sqlState: string, attempt: number) => void;
}

/** The owning agency or sub-account of a record, kept in the indexed `scope` column. */
function scopeOf(kind: Kind, value: unknown): string | null {
  const v = value as { agencyId?: unknown; accountId?: unknown };
  if (kind === 'accounts' || kind === 'agencyKeys') return typeof v.agencyId === 'string' ? v.agencyId : null;
  return typeof v.accountId === 'string' ? v.accountId : null;
}

type EntryRow = typeof schema.ledgerEntries.$inferSelect;

export function entryToRow(e: EntryRecord): typeof schema.ledgerEntries.$inferInsert {
  return {
    id: e.id,
    accountId: e.accountId,
    seq: e.seq,
    pool: e.pool,
    kind: e.kind,
    deltaIncluded: e.delta.included,
    deltaPurchased: e.delta.purchased,
    balanceIncluded: e.balanceAfter.included,
    balancePurchased: e.balanceAfter.purchased,
    balanceAvailable: e.balanceAfter.available,
    createdAt: e.createdAt,
    description: e.description,
    usage: e.usage,
    purchaseId: e.purchaseId,
    usageEventId: e.usageEventId,
  };
}

export function rowToEntry(r: EntryRow): EntryRecord {
  return {
    id: r.id,
    accountId: r.accountId,
    seq: r.seq,
    pool: r.pool as EntryRecord['pool'],
    kind: r.kind as EntryRecord['kind'],
    delta: { included: r.deltaIncluded, purchased: r.deltaPurchased },
    balanceAfter: { included: r.balanceIncluded, purchased: r.balancePurchased, available: r.balanceAvailable },
    createdAt: r.createdAt,
    description: r.description,
    usage: (r.usage ?? null) as EntryRecord['usage'],
    purchaseId: r.purchaseId,
    usageEventId: r.usageEventId,
  };
}

/** A row as read in this transaction: whether it existed, and its JSON then (to skip unchanged writes). */
interface Seen {
  exists: boolean;
  json: string | null;
  value: unknown;
}

/**
 * The engine's Store on SQL (PGlite or PostgreSQL) through Drizzle.
 *
 * Concurrency: every `get` is `SELECT … FOR UPDATE` at READ COMMITTED, so a transaction holds the rows
 * it read until it ends, and sees their latest committed state when it gets them. Every mutating
 * engine path reads its account and agency first, so transactions of one agency queue on its row
 * (the read-modify-write of balances and wallet can never interleave). A row read as missing is
 * INSERTed, never upserted: if another transaction inserted it meanwhile, the unique violation reruns
 * the whole unit, which then finds the row (usage event ids, idempotency keys → replay, not double
 * charge). Deadlocks (40P01) rerun the same way. Writes are buffered and flushed when the work
 * resolves, like the MemoryStore, so a rejected request writes nothing. On PGlite (one connection)
 * transactions run one at a time.
 */
export class SqlStore implements Store {
  readonly database: Database;
  readonly #maxAttempts: number;
  readonly #onRetry: SqlStoreOptions['onRetry'];

  constructor(database: Database, options: SqlStoreOptions = {}) {
    this.database = database;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#onRetry = options.onRetry;
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.database.exclusive((db) => db.transaction((dtx) => this.#run(dtx as unknown as DbTx, work)));
      } catch (error) {
        const state = sqlState(error);
        if (!state || !RETRYABLE.has(state) || attempt >= this.#maxAttempts) throw error;
        this.#onRetry?.(state, attempt);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  async ids(kind: Kind): Promise<string[]> {
    const table = COLLECTION_TABLES[kind];
    const rows = await this.database.exclusive((db) => db.select({ id: table.id }).from(table));
    return rows.map((r) => r.id);
  }

  async close(): Promise<void> {
    await this.database.close();
  }

  async #run<T>(dtx: DbTx, work: (tx: Tx) => Promise<T>): Promise<T> {
    const seen = new Map<string, Seen>();
    const writes = new Map<string, { kind: Kind; id: string; value: unknown }>();
    const appended: EntryRecord[] = [];
    const keyOf = (kind: Kind, id: string): string => `${kind}\u0000${id}`;

    const tx: Tx = {
      async get(kind, id) {
        const key = keyOf(kind, id);
        const pending = writes.get(key);
        if (pending) return structuredClone(pending.value) as never;
        let row = seen.get(key);
        if (!row) {
          const table: schema.CollectionTable = COLLECTION_TABLES[kind];
          const [found] = await dtx.select({ value: table.value }).from(table).where(eq(table.id, id)).for('update');
          row = found
            ? { exists: true, json: JSON.stringify(found.value), value: found.value }
            : { exists: false, json: null, value: undefined };
          seen.set(key, row);
        }
        return row.value === undefined ? undefined : (structuredClone(row.value) as never);
      },
      async put(kind, id, value) {
        writes.set(keyOf(kind, id), { kind, id, value: structuredClone(value) });
      },
      async append(entry) {
        appended.push(structuredClone(entry));
      },
      async entries(accountId, query = {}) {
        const t = schema.ledgerEntries;
        const where: SQL[] = [eq(t.accountId, accountId)];
        if (query.pool !== undefined) where.push(eq(t.pool, query.pool));
        if (query.beforeSeq !== undefined) where.push(lt(t.seq, query.beforeSeq));
        if (query.from !== undefined) where.push(gte(t.createdAt, query.from));
        if (query.to !== undefined) where.push(lt(t.createdAt, query.to));
        if (query.kind !== undefined) where.push(eq(t.kind, query.kind));
        const base = dtx
          .select()
          .from(t)
          .where(and(...where))
          .orderBy(query.order === 'asc' ? asc(t.seq) : desc(t.seq));
        const rows = await (query.limit === undefined ? base : base.limit(query.limit));
        const mine = appended.filter((e) => e.accountId === accountId);
        if (mine.length === 0) return rows.map(rowToEntry);
        // Entries appended in this transaction are not in the table yet: merge, then filter and page again.
        return selectEntries([...rows.map(rowToEntry), ...mine], query as EntryQuery).map((e) => structuredClone(e));
      },
      async accountsOf(agencyId) {
        const t = schema.accounts;
        const rows = await dtx.select({ id: t.id }).from(t).where(eq(t.scope, agencyId));
        const ids = new Set(rows.map((r) => r.id));
        for (const w of writes.values()) {
          if (w.kind === 'accounts' && scopeOf('accounts', w.value) === agencyId) ids.add(w.id);
        }
        return [...ids];
      },
    };

    const result = await work(tx);

    for (const w of writes.values()) {
      const table = COLLECTION_TABLES[w.kind];
      const before = seen.get(keyOf(w.kind, w.id));
      const scope = scopeOf(w.kind, w.value);
      if (before?.exists) {
        if (before.json === JSON.stringify(w.value)) continue; // unchanged: no write
        await dtx.update(table).set({ value: w.value, scope, updatedAt: new Date() }).where(eq(table.id, w.id));
      } else {
        // Read as missing (or never read): a plain INSERT, so a concurrent insert is a unique violation.
        await dtx.insert(table).values({ id: w.id, scope, value: w.value });
      }
    }
    if (appended.length > 0) await dtx.insert(schema.ledgerEntries).values(appended.map(entryToRow));
    return result;
  }
}

export { sqlState };

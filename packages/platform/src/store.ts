import type { Pool } from '@creditkit/contract';
import type { AccountRecord, Collections, EntryRecord } from './model.js';

export interface EntryQuery {
  pool?: Pool | undefined;
  /** Entries with seq strictly below this (paging newest first). */
  beforeSeq?: number | undefined;
  /** Entries created at or after / before these times (epoch ms). */
  from?: number | undefined;
  to?: number | undefined;
  kind?: EntryRecord['kind'] | undefined;
  limit?: number | undefined;
  order?: 'asc' | 'desc';
}

/**
 * One unit of work. Everything read and written through it commits together or not at all, and
 * transactions touching the same data never interleave (the SQL store locks the rows it reads).
 */
export interface Tx {
  get<K extends keyof Collections>(kind: K, id: string): Promise<Collections[K] | undefined>;
  put<K extends keyof Collections>(kind: K, id: string, value: Collections[K]): Promise<void>;
  /** Append-only: entries are never updated or deleted. */
  append(entry: EntryRecord): Promise<void>;
  entries(accountId: string, query?: EntryQuery): Promise<EntryRecord[]>;
  /** Ids of an agency's sub-accounts. */
  accountsOf(agencyId: string): Promise<string[]>;
}

export interface Store {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** All ids in a collection (seeding, admin listings). */
  ids(kind: keyof Collections): Promise<string[]>;
  close?(): Promise<void>;
}

/**
 * The in-memory store of the simulator: transactions run one at a time, writes are buffered and
 * applied only when the work resolves, so a rejected request changes nothing.
 */
export class MemoryStore implements Store {
  readonly #data = new Map<string, Map<string, unknown>>();
  readonly #entries = new Map<string, EntryRecord[]>();
  #tail: Promise<unknown> = Promise.resolve();

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => this.#run(work));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async ids(kind: keyof Collections): Promise<string[]> {
    return [...(this.#data.get(kind)?.keys() ?? [])];
  }

  async #run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const writes = new Map<string, { kind: string; id: string; value: unknown }>();
    const appended: EntryRecord[] = [];
    const data = this.#data;
    const committed = this.#entries;
    const tx: Tx = {
      async get(kind, id) {
        const pending = writes.get(`${kind}\u0000${id}`);
        const value = pending ? pending.value : data.get(kind)?.get(id);
        return value === undefined ? undefined : structuredClone(value as never);
      },
      async put(kind, id, value) {
        writes.set(`${kind}\u0000${id}`, { kind, id, value: structuredClone(value) });
      },
      async append(entry) {
        appended.push(structuredClone(entry));
      },
      async accountsOf(agencyId) {
        const ids = new Set<string>();
        for (const [id, account] of data.get('accounts') ?? []) {
          if ((account as AccountRecord).agencyId === agencyId) ids.add(id);
        }
        for (const w of writes.values()) {
          if (w.kind === 'accounts' && (w.value as AccountRecord).agencyId === agencyId) ids.add(w.id);
        }
        return [...ids];
      },
      async entries(accountId, query = {}) {
        const all = [...(committed.get(accountId) ?? []), ...appended.filter((e) => e.accountId === accountId)];
        return selectEntries(all, query).map((e) => structuredClone(e));
      },
    };
    const result = await work(tx);
    for (const { kind, id, value } of writes.values()) {
      let table = data.get(kind);
      if (!table) data.set(kind, (table = new Map()));
      table.set(id, value);
    }
    for (const entry of appended) {
      let list = committed.get(entry.accountId);
      if (!list) committed.set(entry.accountId, (list = []));
      list.push(entry);
    }
    return result;
  }
}

export function selectEntries(all: readonly EntryRecord[], q: EntryQuery): EntryRecord[] {
  const picked = all.filter(
    (e) =>
      (q.pool === undefined || e.pool === q.pool) &&
      (q.beforeSeq === undefined || e.seq < q.beforeSeq) &&
      (q.from === undefined || e.createdAt >= q.from) &&
      (q.to === undefined || e.createdAt < q.to) &&
      (q.kind === undefined || e.kind === q.kind),
  );
  picked.sort((a, b) => (q.order === 'asc' ? a.seq - b.seq : b.seq - a.seq));
  return q.limit === undefined ? picked : picked.slice(0, q.limit);
}

import { randomUUID } from 'node:crypto';
import type { StreamEvent } from '@creditkit/contract';
import type { BusListener, BusMessage, EventBus } from '@creditkit/platform';
import pg from 'pg';
import type { Logger } from './log.js';

/**
 * The in-process bus: delivers to this process's streams and keeps recent events per account for
 * `Last-Event-ID` resume. Unlike the simulator's MemoryBus it forgets the least recently active
 * accounts past `maxAccounts`, so a long-running server does not grow without bound.
 */
export class LocalBus implements EventBus {
  readonly #listeners = new Map<string, Set<BusListener>>();
  readonly #recent = new Map<string, StreamEvent[]>();
  readonly #keep: number;
  readonly #maxAccounts: number;

  constructor(options: { keep?: number; maxAccounts?: number } = {}) {
    this.#keep = options.keep ?? 100;
    this.#maxAccounts = options.maxAccounts ?? 10_000;
  }

  publish(accountId: string, message: BusMessage): void {
    if (message.kind === 'event') {
      const list = this.#recent.get(accountId) ?? [];
      this.#recent.delete(accountId); // re-insert: Map order is the LRU order
      list.push(message.event);
      if (list.length > this.#keep) list.splice(0, list.length - this.#keep);
      this.#recent.set(accountId, list);
      if (this.#recent.size > this.#maxAccounts) {
        const oldest = this.#recent.keys().next().value;
        if (oldest !== undefined) this.#recent.delete(oldest);
      }
    }
    for (const listener of [...(this.#listeners.get(accountId) ?? [])]) listener(message);
  }

  subscribe(accountId: string, listener: BusListener): () => void {
    let set = this.#listeners.get(accountId);
    if (!set) this.#listeners.set(accountId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(accountId) === set) this.#listeners.delete(accountId);
    };
  }

  since(accountId: string, afterSeq: number): StreamEvent[] | null {
    const list = this.#recent.get(accountId);
    // Nothing kept (another instance's account, or forgotten): the stream falls back to a snapshot.
    if (!list || list.length === 0) return null;
    const first = list[0];
    if (first && first.seq > afterSeq + 1) return null;
    return list.filter((e) => e.seq > afterSeq);
  }

  /** Open subscriptions (for /healthz and tests). */
  get listenerCount(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }
}

/** NOTIFY payloads must stay under 8000 bytes; leave room for the envelope. */
const MAX_NOTIFY_BYTES = 7_600;
export const BUS_CHANNEL = 'creditkit_events';

interface Envelope {
  /** Sending instance: an instance ignores its own notifications (it delivered them locally already). */
  o: string;
  /** Batch number: NOTIFY folds identical payloads within a transaction, so every payload differs. */
  n: number;
  /** Messages, or the id of a `bus_payloads` row holding them when they were too large. */
  m?: { a: string; m: BusMessage }[];
  ref?: number;
}

/**
 * The bus for several server instances on one PostgreSQL: local delivery at once, and every message
 * sent to the other instances by NOTIFY on one channel that each LISTENs to. Publishing batches what
 * accumulated while the previous NOTIFY was in flight into one statement (in order). `since()` answers
 * from the events this instance saw (its own and, through LISTEN, the others'); when it has none the
 * stream sends a fresh snapshot instead.
 */
export class PgNotifyBus implements EventBus {
  readonly instanceId = randomUUID();
  readonly local: LocalBus;
  readonly #pool: pg.Pool;
  readonly #connectionString: string;
  readonly #log: Logger;
  #listener: pg.Client | null = null;
  #queue: { a: string; m: BusMessage }[] = [];
  #flushing: Promise<void> | null = null;
  #inbox: Promise<void> = Promise.resolve();
  #batch = 0;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #lastCleanup = 0;

  constructor(options: { pool: pg.Pool; connectionString: string; log: Logger; local?: LocalBus }) {
    this.#pool = options.pool;
    this.#connectionString = options.connectionString;
    this.#log = options.log;
    this.local = options.local ?? new LocalBus();
  }

  /** Connects the LISTEN connection; resolves once this instance receives the others' messages. */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#connectionString, application_name: 'creditkit-bus' });
    client.on('notification', (n) => {
      if (n.channel === BUS_CHANNEL && n.payload) this.#receive(n.payload);
    });
    client.on('error', (error) => {
      this.#log.warn('event bus connection lost', { error: error.message });
      this.#reconnect(client);
    });
    client.on('end', () => this.#reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${BUS_CHANNEL}`);
    this.#listener = client;
  }

  publish(accountId: string, message: BusMessage): void {
    this.local.publish(accountId, message);
    if (this.#closed) return;
    this.#queue.push({ a: accountId, m: message });
    if (!this.#flushing) this.#flushing = this.#flush();
  }

  subscribe(accountId: string, listener: BusListener): () => void {
    return this.local.subscribe(accountId, listener);
  }

  since(accountId: string, afterSeq: number): StreamEvent[] | null {
    return this.local.since(accountId, afterSeq);
  }

  /** Resolves when everything published so far has been sent. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async close(): Promise<void> {
    await this.drain().catch(() => undefined);
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    const client = this.#listener;
    this.#listener = null;
    await client?.end().catch(() => undefined);
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const messages = this.#queue.splice(0);
        const payloads: string[] = [];
        let batch: { a: string; m: BusMessage }[] = [];
        let size = 0;
        const push = async (): Promise<void> => {
          if (batch.length === 0) return;
          const text = JSON.stringify({ o: this.instanceId, n: this.#batch++, m: batch } satisfies Envelope);
          if (Buffer.byteLength(text) <= MAX_NOTIFY_BYTES) payloads.push(text);
          else {
            // A single message too big for NOTIFY (a large rate card): park it in a table, send its id.
            const { rows } = await this.#pool.query<{ id: string }>(
              'INSERT INTO bus_payloads (payload) VALUES ($1) RETURNING id',
              [JSON.stringify(batch)],
            );
            payloads.push(
              JSON.stringify({ o: this.instanceId, n: this.#batch++, ref: Number(rows[0]?.id) } satisfies Envelope),
            );
          }
          batch = [];
          size = 0;
        };
        for (const message of messages) {
          const bytes = Buffer.byteLength(JSON.stringify(message));
          if (size + bytes > MAX_NOTIFY_BYTES - 200) await push();
          batch.push(message);
          size += bytes;
        }
        await push();
        await this.#pool.query(
          'SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS u(p, i) ORDER BY i',
          [BUS_CHANNEL, payloads],
        );
        await this.#cleanup();
      }
    } catch (error) {
      this.#log.error('event bus publish failed', { error: (error as Error).message });
    } finally {
      this.#flushing = null;
      if (this.#queue.length > 0 && !this.#closed) this.#flushing = this.#flush();
    }
  }

  /** Parked payloads are read within moments; drop those older than a few minutes. */
  async #cleanup(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastCleanup < 60_000) return;
    this.#lastCleanup = now;
    await this.#pool.query("DELETE FROM bus_payloads WHERE created_at < now() - interval '5 minutes'");
  }

  #receive(payload: string): void {
    // One at a time, in arrival order, even when a parked payload has to be fetched first.
    this.#inbox = this.#inbox.then(async () => {
      try {
        const envelope = JSON.parse(payload) as Envelope;
        if (envelope.o === this.instanceId) return;
        let messages = envelope.m;
        if (envelope.ref !== undefined) {
          const { rows } = await this.#pool.query<{ payload: string }>(
            'SELECT payload FROM bus_payloads WHERE id = $1',
            [envelope.ref],
          );
          messages = rows[0] ? (JSON.parse(rows[0].payload) as Envelope['m']) : [];
        }
        for (const { a, m } of messages ?? []) this.local.publish(a, m);
      } catch (error) {
        this.#log.warn('event bus message dropped', { error: (error as Error).message });
      }
    });
  }

  #reconnect(client: pg.Client): void {
    if (this.#closed || this.#listener !== client) return;
    this.#listener = null;
    client.end().catch(() => undefined);
    // Messages sent while disconnected are missed: streams resume from a snapshot on reconnect.
    const retry = (delay: number): void => {
      this.#reconnectTimer = setTimeout(() => {
        if (this.#closed) return;
        this.start().then(
          () => this.#log.info('event bus reconnected'),
          () => retry(Math.min(delay * 2, 10_000)),
        );
      }, delay);
    };
    retry(250);
  }
}

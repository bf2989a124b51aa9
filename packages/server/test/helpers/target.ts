// One database per test file, and on it two servers: one with the test-mode checkout, one with the
// Stripe gateway pointed at a local fake. Tests isolate themselves by creating their own agencies and
// sub-accounts with unique ids, never by creating databases.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Pool } from '@creditkit/contract';
import { agencyInput } from '@creditkit/mock/node';
import type { AgencyInput } from '@creditkit/platform';
import { type Database, openPglite, openPostgres } from '../../src/db/database.js';
import { createLogger, type Logger } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { type FakeStripe, STRIPE_KEY, startFakeStripe, WEBHOOK_SECRET } from './fake-stripe.js';
import { pgliteDir } from './pglite.js';
import { type Cluster, startCluster } from './postgres.js';

export const ORIGIN = 'https://agency.example';

export interface Target {
  kind: 'pglite' | 'postgres';
  database: Database;
  /** Test-mode checkout. */
  server: RunningServer;
  /** Stripe gateway (fake API). */
  stripe: RunningServer;
  fakeStripe: FakeStripe;
  /** Error-level log lines of both servers (a test can assert there were none). */
  errors: string[];
  cluster: Cluster | null;
  close(): Promise<void>;
}

function testLogger(errors: string[]): Logger {
  return createLogger({
    level: process.env.TEST_LOG ? 'debug' : 'warn',
    write: (line) => {
      if (process.env.TEST_LOG) process.stderr.write(`${line}\n`);
      if (line.includes('"level":"error"')) errors.push(line);
    },
  });
}

async function serversOn(
  kind: Target['kind'],
  database: Database,
  cluster: Cluster | null,
  cleanup: () => void,
): Promise<Target> {
  await database.migrate();
  const errors: string[] = [];
  const log = testLogger(errors);
  const fakeStripe = await startFakeStripe();
  const common = { database, port: 0, host: '127.0.0.1', seed: false, log, siteDir: null, cdnDir: null } as const;
  const server = await startServer({ ...common, handler: { validateResponses: true, heartbeatMs: 60_000 } });
  const stripe = await startServer({
    ...common,
    stripe: { secretKey: STRIPE_KEY, webhookSecret: WEBHOOK_SECRET, connectedAccounts: {} },
    stripeClient: { host: fakeStripe.host, port: fakeStripe.port, protocol: 'http', maxNetworkRetries: 0 },
    handler: { validateResponses: true, heartbeatMs: 60_000 },
  });
  return {
    kind,
    database,
    server,
    stripe,
    fakeStripe,
    errors,
    cluster,
    async close() {
      await server.close();
      await stripe.close();
      await fakeStripe.close();
      await database.close();
      await cluster?.stop();
      cleanup();
    },
  };
}

export async function pgliteTarget(): Promise<Target> {
  const dir = await pgliteDir();
  const database = await openPglite({ dataDir: dir });
  return serversOn('pglite', database, null, () => rmSync(dirname(dir), { recursive: true, force: true }));
}

export async function postgresTarget(): Promise<Target> {
  const cluster = await startCluster();
  try {
    const url = await cluster.createDatabase();
    const database = await openPostgres({ connectionString: url, max: 20 });
    return serversOn('postgres', database, cluster, () => {});
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// HTTP

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Call {
  token?: string;
  body?: unknown;
  raw?: string;
  key?: string;
  headers?: Record<string, string>;
}

export async function call<T = any>(base: string, method: string, path: string, c: Call = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  if (c.key) headers['idempotency-key'] = c.key;
  let body: string | undefined;
  if (c.raw !== undefined) body = c.raw;
  else if (c.body !== undefined) body = JSON.stringify(c.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  const isJson = (res.headers.get('content-type') ?? '').includes('json') && text;
  return { status: res.status, headers: res.headers, body: isJson ? JSON.parse(text) : text };
}

let unique = 0;
/** A short unique id part: tests share a database, so every agency and sub-account id is new. */
export const uid = (): string =>
  `${Date.now().toString(36)}${(++unique).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export interface TestAgency {
  id: string;
  secretKey: string;
  /** POST/GET/PUT on the agency API with the secret key. */
  api: <T = any>(method: string, path: string, c?: Call) => Promise<Reply<T>>;
  /** A new sub-account on `planId` (Starter). */
  subAccount(planId?: string): Promise<string>;
  /** A session token for a sub-account, minted over HTTP as the agency's backend would. */
  session(subAccountId: string): Promise<string>;
}

/** A new agency (the demo catalogue) on a server, with its own id and secret key. */
export async function createAgency(server: RunningServer, overrides: Partial<AgencyInput> = {}): Promise<TestAgency> {
  const id = `ag_t${uid()}`;
  const secretKey = `ck_sk_test_${uid()}${uid()}`;
  await server.engine.createAgency(agencyInput({ id, secretKey, allowedOrigins: [ORIGIN], ...overrides }));
  const api = <T = any>(method: string, path: string, c: Call = {}) =>
    call<T>(server.url, method, path, { token: secretKey, ...c });
  return {
    id,
    secretKey,
    api,
    async subAccount(planId = 'plan_starter') {
      const r = await api('POST', '/v1/sub-accounts', { body: { name: `Client ${uid()}`, planId } });
      if (r.status !== 201) throw new Error(`create sub-account: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    },
    async session(subAccountId) {
      const r = await api('POST', '/v1/sessions', { body: { subAccountId } });
      if (r.status !== 201) throw new Error(`session: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
  };
}

/** `GET /v1/balances` with a session token. */
export async function balances(server: RunningServer, token: string): Promise<Record<Pool, any> & { seq: number }> {
  const r = await call(server.url, 'GET', '/v1/balances', { token });
  if (r.status !== 200) throw new Error(`balances: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Every ledger entry of an account (sub-account or agency wallet), oldest first, straight from the store. */
export function entries(server: RunningServer, accountId: string) {
  return server.engine.run(({ tx }) => tx.entries(accountId, { order: 'asc' }));
}

// ---------------------------------------------------------------------------------------------------
// Server-sent events

export interface SseClient {
  /** Frames received so far: `{event, id, data}`. */
  frames: { event: string; id: string | null; data: any }[];
  /** Resolves with the first frame (already received or future) that matches. */
  next(match: (f: SseClient['frames'][number]) => boolean, timeoutMs?: number): Promise<SseClient['frames'][number]>;
  /** Resolves when the stream ends: `end` when the server closed it cleanly, `error` on a reset or abort. */
  ended: Promise<'end' | 'error'>;
  close(): void;
}

export async function openEvents(base: string, token: string, lastEventId?: number): Promise<SseClient> {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
  const res = await fetch(`${base}/v1/events`, { headers, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`events: ${res.status} ${await res.text()}`);
  const frames: SseClient['frames'] = [];
  const waiters = new Set<() => void>();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let closed = false;
  const ended = (async (): Promise<'end' | 'error'> => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'end';
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const lines = block.split('\n');
          const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? null;
          const data = field('data');
          if (data === null) continue;
          frames.push({ event: field('event') ?? 'message', id: field('id'), data: JSON.parse(data) });
          for (const w of [...waiters]) w();
        }
      }
    } catch {
      return 'error';
    } finally {
      closed = true;
      for (const w of [...waiters]) w();
    }
  })();
  return {
    frames,
    ended,
    close: () => abort.abort(),
    next(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = frames.find(match);
          if (found) {
            cleanup();
            resolve(found);
            return true;
          }
          if (closed) {
            cleanup();
            reject(
              new Error(
                `stream ended without a matching frame; got ${JSON.stringify(frames.map((f) => [f.event, f.id]))}`,
              ),
            );
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => [f.event, f.id]))}`,
            ),
          );
        }, timeoutMs);
        const waiter = (): void => {
          check();
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
        check();
      });
    },
  };
}

// Shared helpers for the HTTP-level API tests: a simulator on a manual clock with response
// validation on, Request builders for `https://api.creditkit.test/v1/...`, the one error shape,
// a whole-store snapshot to prove that a rejected request changed nothing, and an SSE frame reader.
import assert from 'node:assert/strict';
import { ERROR_STATUS, ErrorBody, type ErrorCode } from '@creditkit/contract';
import { createSimulator, type Scenario, type Simulator, type SimulatorOptions } from '@creditkit/mock';
import { ManualClock } from '@creditkit/platform';
import * as z from 'zod/mini';

export const API = 'https://api.creditkit.test';
export const CREDIT = 1000;
export const MINUTE = 60_000;
export const START = Date.UTC(2026, 0, 15, 12);

export interface World {
  sim: Simulator;
  clock: ManualClock;
  /** Failures the handler turned into `internal_error` (a response that broke its schema, a crash). */
  internalErrors: unknown[];
  /** Fails the test if the handler reported any internal error. */
  assertNoInternalErrors(): void;
}

/** A fresh simulator on a manual clock; every response is checked against its contract schema. */
export async function world(options: Omit<SimulatorOptions, 'clock' | 'sessionSecret'> = {}): Promise<World> {
  const clock = new ManualClock(START);
  const internalErrors: unknown[] = [];
  const sim = await createSimulator({
    ...options,
    clock,
    sessionSecret: 'test',
    handler: {
      validateResponses: true,
      ...options.handler,
      onError: (error) => {
        internalErrors.push(error);
      },
    },
  });
  return {
    sim,
    clock,
    internalErrors,
    assertNoInternalErrors() {
      assert.deepEqual(internalErrors, [], 'the handler reported internal errors');
    },
  };
}

export interface RequestInit2 {
  /** Bearer credential: a session token or a secret key. */
  token?: string;
  /** Serialized as JSON. */
  body?: unknown;
  /** Sent as is (for bodies JSON cannot express: `1e400`, `NaN`, broken JSON). */
  raw?: string;
  key?: string;
  headers?: Record<string, string>;
  contentType?: string;
}

/** A `Request` to the v1 API as a browser or an agency backend would build it. */
export function request(method: string, path: string, init: RequestInit2 = {}): Request {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
  if (init.key !== undefined) headers.set('idempotency-key', init.key);
  let body: string | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers.set('content-type', init.contentType ?? 'application/json');
  return new Request(`${API}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests; the handler validates them against the contract
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Sends a request through the simulator and reads the whole body (JSON when it is JSON). */
// biome-ignore lint/suspicious/noExplicitAny: see Reply
export async function send<T = any>(sim: Simulator, req: Request): Promise<Reply<T>> {
  const res = await sim.fetch(req);
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const body = type.startsWith('application/json') && text ? JSON.parse(text) : text;
  return { status: res.status, headers: res.headers, body, text };
}

export const api = {
  get: (sim: Simulator, path: string, init?: RequestInit2) => send(sim, request('GET', path, init)),
  post: (sim: Simulator, path: string, init?: RequestInit2) => send(sim, request('POST', path, init)),
  put: (sim: Simulator, path: string, init?: RequestInit2) => send(sim, request('PUT', path, init)),
};

/** Asserts the one error shape `{error:{code,message,requestId}}`, the code's status and the request id header. */
export function assertError(reply: Reply, status: number, code: ErrorCode): void {
  assert.equal(reply.status, status, `expected ${status} ${code}, got ${reply.status} ${reply.text.slice(0, 300)}`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
  const parsed = z.safeParse(ErrorBody, reply.body);
  assert.ok(parsed.success, `not the error shape: ${reply.text.slice(0, 300)}`);
  assert.equal(reply.body.error.code, code);
  assert.equal(ERROR_STATUS[code], status);
  assert.equal(typeof reply.body.error.message, 'string');
  assert.ok(reply.body.error.message.length > 0);
  assert.match(reply.body.error.requestId, /^req_/);
  assert.equal(reply.headers.get('x-request-id'), reply.body.error.requestId);
  const allowed = new Set(['code', 'message', 'requestId', 'issues']);
  for (const k of Object.keys(reply.body.error)) assert.ok(allowed.has(k), `unexpected error field ${k}`);
  assert.deepEqual(Object.keys(reply.body), ['error']);
}

const COLLECTIONS = [
  'agencies',
  'accounts',
  'quotes',
  'purchases',
  'usageEvents',
  'idempotency',
  'creditRequests',
  'planChanges',
  'sessions',
  'agencyKeys',
] as const;

/**
 * Everything the store holds: every record of every collection and every ledger entry of every
 * sub-account and agency wallet. Two equal snapshots mean balances, ledger, seq, wallets, quotes,
 * purchases and idempotency records are all unchanged.
 */
export async function snapshot(sim: Simulator): Promise<Record<string, unknown>> {
  const store = sim.engine.store;
  const out: Record<string, unknown> = {};
  const ids: Record<string, string[]> = {};
  for (const kind of COLLECTIONS) ids[kind] = (await store.ids(kind)).sort();
  await store.transaction(async (tx) => {
    for (const kind of COLLECTIONS) {
      const table: Record<string, unknown> = {};
      for (const id of ids[kind] ?? []) table[id] = await tx.get(kind, id);
      out[kind] = table;
    }
    const ledger: Record<string, unknown> = {};
    for (const id of [...(ids.accounts ?? []), ...(ids.agencies ?? [])])
      ledger[id] = await tx.entries(id, { order: 'asc' });
    out.ledger = ledger;
  });
  return out;
}

/** Runs `act` (which must be refused) and proves the store is exactly as before. */
export async function unchanged<T>(sim: Simulator, act: () => Promise<T>): Promise<T> {
  const before = await snapshot(sim);
  const result = await act();
  assert.deepEqual(await snapshot(sim), before, 'a rejected request changed the store');
  return result;
}

/** Ledger entries of one sub-account (or agency wallet), oldest first, straight from the store. */
export async function entriesOf(sim: Simulator, accountId: string) {
  return sim.engine.store.transaction((tx) => tx.entries(accountId, { order: 'asc' }));
}

/** A session token for a scenario's client, minted as the agency backend would. */
export async function token(sim: Simulator, scenario: Scenario = 'healthy', ttlSeconds?: number): Promise<string> {
  return (await sim.session(scenario, ttlSeconds)).token;
}

/** The claims inside a session token (`cks_<payload>.<mac>`), e.g. its `jti` for revocation. */
export function claimsOf(sessionToken: string): { sub: string; agy: string; jti: string; exp: number } {
  const payload = sessionToken.slice('cks_'.length).split('.')[0] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

let keyCounter = 0;
export const newKey = (label = 'k'): string =>
  `${label}-${Date.now().toString(36)}-${(keyCounter++).toString(36)}-idem`;

export async function balances(sim: Simulator, sessionToken: string) {
  const r = await api.get(sim, '/v1/balances', { token: sessionToken });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

export async function quote(
  sim: Simulator,
  sessionToken: string,
  body: unknown = { pool: 'voice', packId: 'pack_voice_100' },
) {
  const r = await api.post(sim, '/v1/quotes', { token: sessionToken, body });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

export async function buy(
  sim: Simulator,
  sessionToken: string,
  quoteId: string,
  key = newKey('buy'),
  extra: object = {},
) {
  return api.post(sim, '/v1/purchases', { token: sessionToken, key, body: { quoteId, ...extra } });
}

/** The token in a test-checkout URL. */
export const checkoutToken = (checkoutUrl: string): string => new URL(checkoutUrl).searchParams.get('token') ?? '';

/** POST the test checkout's form as JSON (the gateway's confirmation path in test mode). */
export async function checkout(
  sim: Simulator,
  purchase: { id: string; checkoutUrl: string | null },
  action: 'pay' | 'fail' | 'cancel',
  tokenOverride?: string,
) {
  const tok = tokenOverride ?? checkoutToken(purchase.checkoutUrl ?? '');
  return api.post(sim, `/v1/test-checkout/${purchase.id}`, { body: { token: tok, action } });
}

// ---------------------------------------------------------------------------------------------
// Server-sent events

export interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comments: string[];
  retry?: string;
}

/** Reads an SSE body incrementally and splits it into frames. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  done = false;
  readonly frames: Frame[] = [];

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /** The next frame, or null when the stream ended. Fails after `timeoutMs`. */
  async next(timeoutMs = 2000): Promise<Frame | null> {
    for (;;) {
      const split = this.#buffer.indexOf('\n\n');
      if (split >= 0) {
        const block = this.#buffer.slice(0, split);
        this.#buffer = this.#buffer.slice(split + 2);
        const frame: Frame = { comments: [] };
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) frame.comments.push(line.slice(1).trim());
          else {
            const at = line.indexOf(':');
            const field = at < 0 ? line : line.slice(0, at);
            const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
            if (field === 'id' || field === 'event' || field === 'retry') frame[field] = value;
            else if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
          }
        }
        this.frames.push(frame);
        return frame;
      }
      if (this.done) return null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no SSE data within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const { done, value } = await Promise.race([this.#reader.read(), timeout]);
        if (done) this.done = true;
        else this.#buffer += this.#decoder.decode(value, { stream: true });
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** The next frame that carries an event (skips comments such as heartbeats). */
  async nextEvent(timeoutMs = 2000): Promise<(Frame & { id: string; event: string; data: string }) | null> {
    for (;;) {
      const frame = await this.next(timeoutMs);
      if (frame === null) return null;
      if (frame.event !== undefined) return frame as Frame & { id: string; event: string; data: string };
    }
  }

  /** Reads until the stream ends; fails if it does not end within `timeoutMs`. */
  async untilClosed(timeoutMs = 2000): Promise<Frame[]> {
    const rest: Frame[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the stream did not close within ${timeoutMs} ms`);
      const frame = await this.next(left);
      if (frame === null) return rest;
      rest.push(frame);
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

export async function openEvents(sim: Simulator, sessionToken: string, lastEventId?: string | number) {
  const res = await sim.fetch(
    request('GET', '/v1/events', {
      token: sessionToken,
      headers: lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) },
    }),
  );
  return res;
}

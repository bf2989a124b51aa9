import {
  type AutoRefillSetting,
  type CreditRequestCreate,
  type ManualGrantRequest,
  type PlanChangeRequest,
  type Pool,
  type PurchaseRequest,
  type QuoteRequest,
  ROUTES,
  type RouteSpec,
  type SubAccountSettings,
  type UsageEventRequest,
} from '@creditkit/contract';
import * as z from 'zod/mini';
import type { Engine } from '../engine.js';
import { PlatformError } from '../errors.js';
import { newId } from '../ids.js';
import type { SessionClaims } from '../tokens.js';
import { checkoutPage } from './checkout-page.js';
import { baseHeaders, errorResponse, json } from './respond.js';
import { eventStream } from './sse.js';

export interface HandlerOptions {
  /** Milliseconds between SSE heartbeat comments. */
  heartbeatMs?: number;
  /** Origins allowed to call the widget API from a browser; `*` (the simulator default) allows any. */
  corsOrigins?: readonly string[] | '*';
  /** Check every response body against its contract schema (tests). */
  validateResponses?: boolean;
  /** Largest accepted request body in bytes. */
  maxBodyBytes?: number;
  /** Called with each failure the handler turned into an `internal_error`. */
  onError?: (error: unknown, requestId: string) => void;
}

interface Call {
  request: Request;
  url: URL;
  params: Record<string, string>;
  body: unknown;
  query: Record<string, string>;
  claims: SessionClaims | null;
  agencyId: string | null;
  idempotencyKey: string | null;
  headers: Record<string, string>;
}

type Operation = (call: Call) => Promise<unknown>;

const compiled = (ROUTES as readonly RouteSpec[]).map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{(\w+)\}/g, '(?<$1>[A-Za-z0-9_-]{1,128})')}$`),
}));

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,255}$/;
/** Things that must never be sent as a widget credential: secret keys belong on servers (THREATS 1). */
const SECRET_LIKE = /^(sk_|rk_|whsec_|ck_sk_)/;

/** The v1 API as a standard Fetch handler: the same code serves the simulator (msw) and the Node server. */
export function createHandler(engine: Engine, options: HandlerOptions = {}): (request: Request) => Promise<Response> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBody = options.maxBodyBytes ?? 64 * 1024;
  const ops = operations(engine, heartbeatMs);

  return async function handle(request: Request): Promise<Response> {
    const requestId = newId('req', 16);
    const url = new URL(request.url);
    const cors = corsHeaders(request, options.corsOrigins ?? '*');
    const headers = { ...baseHeaders(requestId, engine.now()), ...cors };
    try {
      if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers });
      const matches = compiled.filter((c) => c.pattern.test(url.pathname));
      if (matches.length === 0) throw new PlatformError('not_found', `No route ${url.pathname}.`);
      const match = matches.find((c) => c.route.method === request.method);
      if (!match) {
        throw new PlatformError('method_not_allowed', `${request.method} is not allowed here.`, {
          headers: { allow: matches.map((c) => c.route.method).join(', ') },
        });
      }
      const { route } = match;
      const params = { ...(match.pattern.exec(url.pathname)?.groups ?? {}) };
      const call: Call = {
        request,
        url,
        params,
        body: undefined,
        query: Object.fromEntries(url.searchParams),
        claims: null,
        agencyId: null,
        idempotencyKey: null,
        headers,
      };
      await authenticate(engine, route, call);
      if (route.idempotent) {
        const key = request.headers.get('idempotency-key');
        if (!key) throw new PlatformError('idempotency_key_required', 'This request needs an Idempotency-Key header.');
        if (!IDEMPOTENCY_KEY.test(key)) {
          throw new PlatformError('invalid_request', 'Idempotency-Key must be 8–255 visible ASCII characters.');
        }
        call.idempotencyKey = key;
      }
      if (route.query) call.query = parse(route.query, call.query, 'query') as Record<string, string>;
      if (route.body) call.body = parse(route.body, await readBody(request, maxBody), 'body');

      const operation = ops[route.operationId];
      if (!operation) throw new PlatformError('not_found', `No route ${url.pathname}.`);
      const result = await operation(call);
      if (result instanceof Response) return result;
      if (options.validateResponses && route.response) {
        const checked = z.safeParse(route.response, result);
        if (!checked.success)
          throw new Error(`Response of ${route.operationId} breaks its schema: ${z.prettifyError(checked.error)}`);
      }
      return json(route.status, result ?? null, headers);
    } catch (error) {
      if (!(error instanceof PlatformError)) options.onError?.(error, requestId);
      return errorResponse(error, requestId, headers);
    }
  };
}

function corsHeaders(request: Request, allowed: readonly string[] | '*'): Record<string, string> {
  const origin = request.headers.get('origin');
  if (!origin || (allowed !== '*' && !allowed.includes(origin))) return {};
  return {
    'access-control-allow-origin': allowed === '*' ? '*' : origin,
    'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type, idempotency-key, last-event-id',
    'access-control-expose-headers': 'x-request-id, retry-after, date',
    'access-control-max-age': '600',
    vary: 'origin',
  };
}

async function authenticate(engine: Engine, route: RouteSpec, call: Call): Promise<void> {
  if (route.auth === 'none') return;
  const header = call.request.headers.get('authorization') ?? '';
  const token = /^Bearer (\S+)$/i.exec(header)?.[1];
  if (!token) throw new PlatformError('unauthorized', 'Send `Authorization: Bearer <token>`.');
  if (route.auth === 'secret') {
    call.agencyId = await engine.authenticateSecret(token);
    return;
  }
  if (SECRET_LIKE.test(token)) {
    throw new PlatformError('unauthorized', 'A secret key was sent from a browser route: use a session token.');
  }
  call.claims = await engine.verifySession(token);
}

async function readBody(request: Request, maxBytes: number): Promise<unknown> {
  const text = await request.text();
  if (new TextEncoder().encode(text).length > maxBytes) {
    throw new PlatformError('invalid_request', `The body is larger than ${maxBytes} bytes.`);
  }
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new PlatformError('invalid_request', 'The body is not valid JSON.');
  }
}

function parse(schema: z.ZodMiniType, value: unknown, where: 'body' | 'query'): unknown {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.length ? i.path.join('.') : where,
    message: i.message,
  }));
  throw new PlatformError(
    'invalid_request',
    `Invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    {
      issues,
    },
  );
}

const account = (call: Call): string => (call.claims as SessionClaims).sub;
const agency = (call: Call): string => call.agencyId as string;
const key = (call: Call): string => call.idempotencyKey as string;

function operations(engine: Engine, heartbeatMs: number): Record<string, Operation> {
  return {
    getWidget: (c) => engine.bootstrap(account(c)),
    getBalances: (c) => engine.balances(account(c)),
    createQuote: (c) => engine.quote(account(c), c.body as QuoteRequest),
    createPurchase: async (c) =>
      (
        await engine.idempotent(`purchase:${account(c)}`, key(c), c.body, (ctx) =>
          engine.purchase(ctx, account(c), c.body as PurchaseRequest, c.url.origin),
        )
      ).body,
    getPurchase: (c) => engine.getPurchase(account(c), c.params.id as string),
    changePlan: async (c) =>
      (
        await engine.idempotent(`plan:${account(c)}`, key(c), c.body, (ctx) =>
          engine.changePlan(ctx, account(c), (c.body as PlanChangeRequest).planId),
        )
      ).body,
    getAutoRefill: (c) => engine.getAutoRefill(account(c)),
    putAutoRefill: (c) => engine.putAutoRefill(account(c), c.body as AutoRefillSetting),
    createCreditRequest: async (c) =>
      (
        await engine.idempotent(`credit-request:${account(c)}`, key(c), c.body, (ctx) =>
          engine.createCreditRequest(ctx, account(c), c.body as CreditRequestCreate),
        )
      ).body,
    getLedger: (c) =>
      engine.ledger(account(c), {
        pool: c.query.pool as Pool | undefined,
        cursor: c.query.cursor === undefined ? undefined : Number(c.query.cursor),
        limit: c.query.limit === undefined ? undefined : Number(c.query.limit),
      }),
    getUsage: (c) =>
      engine.usage(account(c), { pool: c.query.pool as Pool, from: c.query.from as string, to: c.query.to as string }),
    streamEvents: async (c) => {
      const last = c.request.headers.get('last-event-id');
      const lastEventId = last !== null && /^\d{1,15}$/.test(last) ? Number(last) : null;
      return eventStream(engine, c.claims as SessionClaims, lastEventId, heartbeatMs, c.headers);
    },
    getTestCheckout: async (c) => {
      const token = c.query.token ?? '';
      const purchase = await engine.checkoutPurchase(c.params.id as string, token);
      return new Response(checkoutPage(purchase, token), {
        headers: { ...c.headers, 'content-type': 'text/html; charset=utf-8' },
      });
    },
    completeTestCheckout: async (c) => {
      const { token, action } = c.body as { token: string; action: 'pay' | 'fail' | 'cancel' };
      const purchase = await engine.completeTestCheckout(c.params.id as string, token, action);
      if (!(c.request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded'))
        return purchase;
      // A plain form post from the checkout page: answer with the page (or go back to the site).
      const record = await engine.checkoutPurchase(purchase.id, token);
      if (record.returnUrl && action !== 'fail') {
        return new Response(null, { status: 303, headers: { ...c.headers, location: record.returnUrl } });
      }
      const message =
        action === 'pay' ? 'Payment complete.' : action === 'fail' ? 'Payment declined.' : 'Checkout canceled.';
      return new Response(checkoutPage(record, token, message), {
        headers: { ...c.headers, 'content-type': 'text/html; charset=utf-8' },
      });
    },
    createSession: async (c) => {
      const { subAccountId } = c.body as { subAccountId: string };
      return engine.mintSession(agency(c), subAccountId);
    },
    recordUsage: (c) => engine.recordUsage(agency(c), c.body as UsageEventRequest),
    createSubAccount: (c) => engine.createSubAccount(agency(c), c.body as { name: string; planId: string }),
    getSubAccount: (c) => engine.getSubAccount(agency(c), c.params.id as string),
    updateSubAccount: (c) => engine.updateSubAccount(agency(c), c.params.id as string, c.body as SubAccountSettings),
    grantCredits: async (c) =>
      (
        await engine.idempotent(`grant:${agency(c)}`, key(c), { id: c.params.id, ...(c.body as object) }, (ctx) => {
          const g = c.body as ManualGrantRequest;
          return engine.manualGrant(agency(c), c.params.id as string, g, ctx);
        })
      ).body,
    refundPurchase: async (c) =>
      (
        await engine.idempotent(`refund:${agency(c)}`, key(c), { id: c.params.id, ...(c.body as object) }, (ctx) =>
          engine.refund(agency(c), c.params.id as string, ctx),
        )
      ).body,
    updateAgency: async (c) => {
      await engine.updateAgency(agency(c), c.body as never);
      return new Response(null, { status: 204, headers: c.headers });
    },
    updateCatalog: async (c) => {
      await engine.updateCatalog(agency(c), c.body as never);
      return new Response(null, { status: 204, headers: c.headers });
    },
    getAgencyWallet: (c) => engine.wallet(agency(c)),
    topUpAgencyWallet: async (c) =>
      (
        await engine.idempotent(`top-up:${agency(c)}`, key(c), c.body, (ctx) => {
          const t = c.body as { pool: Pool; credits: number };
          return engine.topUpWallet(agency(c), t.pool, t.credits, 'add', ctx);
        })
      ).body,
  };
}

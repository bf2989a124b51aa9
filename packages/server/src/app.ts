import { existsSync } from 'node:fs';
import { createHandler, type Engine, type HandlerOptions } from '@creditkit/platform';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { OriginPolicy } from './cors.js';
import { type Database, ping } from './db/database.js';
import { mountDemoBackend } from './demo-backend.js';
import type { Logger } from './log.js';
import type { StripeWebhooks } from './payments/stripe.js';
import { StreamTracker } from './streams.js';

export interface AppOptions {
  engine: Engine;
  database: Database;
  log: Logger;
  origins: OriginPolicy;
  /** Stripe webhooks, when Stripe is the gateway; then the test-mode checkout is switched off. */
  webhooks?: StripeWebhooks | null;
  /**
   * Static files served beside the API on one origin: the demo site (`/`) and the script-tag bundles
   * (`/cdn/`). Each is mounted only if its folder exists, so the server runs before the demo is built.
   */
  staticDirs?: { site?: string | null; cdn?: string | null };
  /** The server's public origin (behind a proxy): checkout links are made with it. */
  publicUrl?: string | null;
  handler?: Omit<HandlerOptions, 'corsOrigins' | 'onError'>;
  /** Mount the demo agency's backend (its session endpoint and panel actions) for the demo site. */
  demoBackend?: boolean;
}

export interface App {
  app: Hono;
  streams: StreamTracker;
  /** Requests being handled right now (open event streams not counted). */
  inflight(): number;
  /** Makes /healthz answer 503 and new requests 503, for a draining load balancer. */
  shutdown(): void;
}

const requestId = (): string => `req_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;

const errorBody = (code: string, message: string, id: string) => ({ error: { code, message, requestId: id } });

const CHECKOUT_RETURN = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Payment</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}</style>
<h1>Thank you</h1><p>Your payment was received. You can close this tab: your credits appear as soon as the payment is confirmed.</p></html>`;

/** The HTTP app: the platform's Fetch handler under /v1, plus what only a real server has. */
export function createApp(options: AppOptions): App {
  const { engine, database, log, origins, webhooks = null } = options;
  const streams = new StreamTracker();
  let active = 0;
  let draining = false;
  const handle = createHandler(engine, {
    ...options.handler,
    corsOrigins: [], // CORS is decided per agency below
    onError: (error, id) => log.error('internal error', { requestId: id, error }),
  });

  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    active += 1;
    try {
      if (draining && c.req.path !== '/healthz') {
        c.res = Response.json(errorBody('internal_error', 'The server is shutting down: retry.', requestId()), {
          status: 503,
          headers: { 'retry-after': '1', connection: 'close' },
        });
        return;
      }
      await next();
    } finally {
      active -= 1;
    }
    let id = c.res.headers.get('x-request-id');
    if (!id) {
      id = requestId();
      c.res.headers.set('x-request-id', id);
    }
    // The path only: query strings can carry capabilities (the test checkout's token).
    log.info('request', {
      requestId: id,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  app.get('/healthz', async (c) => {
    if (draining) return c.json({ status: 'shutting_down' }, 503);
    try {
      await Promise.race([
        ping(database),
        new Promise((_, reject) => setTimeout(() => reject(new Error('database ping timed out')), 2_000).unref()),
      ]);
      return c.json({ status: 'ok', database: database.kind, streams: streams.size });
    } catch (error) {
      log.error('health check failed', { error });
      return c.json({ status: 'error', database: database.kind }, 503);
    }
  });

  app.post('/v1/webhooks/stripe', bodyLimit({ maxSize: 1024 * 1024 }), async (c) => {
    const id = requestId();
    if (!webhooks)
      return c.json(errorBody('not_found', 'Stripe is not configured on this server.', id), 404, {
        'x-request-id': id,
      });
    const result = await webhooks.handle(await c.req.text(), c.req.header('stripe-signature') ?? null, id);
    return c.json(result.body as object, result.status as 200, { 'x-request-id': id });
  });

  // Revocation (THREATS 6): the agency's backend revokes a token it minted (user signed out, access
  // removed). Open event streams of that session close on every instance (the bus carries it).
  app.post('/v1/sessions/revoke', bodyLimit({ maxSize: 8 * 1024 }), async (c) => {
    const id = requestId();
    const secret = /^Bearer (\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!secret) return c.json(errorBody('unauthorized', 'Send `Authorization: Bearer <secret key>`.', id), 401);
    let agencyId: string;
    try {
      agencyId = await engine.authenticateSecret(secret);
    } catch {
      return c.json(errorBody('unauthorized', 'Unknown secret key.', id), 401);
    }
    const body = (await c.req.json().catch(() => null)) as { token?: unknown } | null;
    const token = typeof body?.token === 'string' ? body.token : '';
    const payload = /^cks_([A-Za-z0-9_-]{1,2048})\.[A-Za-z0-9_-]+$/.exec(token)?.[1];
    let jti: string | null = null;
    try {
      const claims = payload
        ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown })
        : null;
      jti = typeof claims?.jti === 'string' ? claims.jti : null;
    } catch {
      jti = null;
    }
    if (!jti) return c.json(errorBody('invalid_request', 'Send `{"token": "<session token>"}`.', id), 400);
    // Ownership from the database, not the token's claims: the session must be of this agency's client.
    const owned = await engine.run(async ({ tx }) => {
      const session = await tx.get('sessions', jti);
      const account = session ? await tx.get('accounts', session.accountId) : undefined;
      return account?.agencyId === agencyId;
    });
    if (!owned) return c.json(errorBody('not_found', 'No such session.', id), 404);
    await engine.revokeSession(jti);
    return c.json({ revoked: true }, 200);
  });

  app.get('/checkout/return', (c) =>
    c.html(CHECKOUT_RETURN, 200, { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }),
  );

  if (webhooks) {
    // With a real gateway the test-mode checkout must not exist: it would grant without payment.
    app.all('/v1/test-checkout/*', (c) =>
      c.json(errorBody('not_found', 'No test-mode checkout on this server.', requestId()), 404),
    );
  }

  app.all('/v1/*', async (c) => {
    let request = c.req.raw;
    if (options.publicUrl) {
      const url = new URL(request.url);
      const target = new URL(`${url.pathname}${url.search}`, options.publicUrl);
      request = new Request(target, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        duplex: 'half',
      } as RequestInit);
    }
    const response = await handle(request);
    const cors = await origins.headers(request);
    const headers = new Headers(response.headers);
    for (const [k, v] of Object.entries(cors)) headers.set(k, v);
    headers.append('vary', 'origin');
    if (c.req.method === 'PUT' && c.req.path === '/v1/agency' && response.ok) origins.invalidate();
    let body: ReadableStream<Uint8Array> | null = response.body;
    if (body && c.req.path === '/v1/events' && response.status === 200) body = streams.track(body);
    return new Response(body as BodyInit | null, { status: response.status, headers });
  });

  if (options.demoBackend) mountDemoBackend(app, engine);

  // The demo site: `dist/demo` at `/`, `dist/cdn` at `/cdn/`, once they are built.
  const cdn = options.staticDirs?.cdn;
  if (cdn && existsSync(cdn)) {
    app.use('/cdn/*', serveStatic({ root: cdn, rewriteRequestPath: (path) => path.replace(/^\/cdn/, '') }));
  }
  const site = options.staticDirs?.site;
  if (site && existsSync(site)) {
    app.use('/*', serveStatic({ root: site }));
    app.get('*', serveStatic({ root: site, path: 'index.html' })); // client-side routes
  }

  app.notFound((c) => c.json(errorBody('not_found', `No route ${c.req.path}.`, requestId()), 404));
  app.onError((error, c) => {
    const id = requestId();
    log.error('internal error', { requestId: id, path: c.req.path, error });
    return c.json(errorBody('internal_error', 'Something went wrong on our side.', id), 500);
  });

  return {
    app,
    streams,
    inflight: () => active,
    shutdown: () => {
      draining = true;
    },
  };
}

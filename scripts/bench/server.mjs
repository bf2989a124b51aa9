// The agency site the browser benchmarks load: its pages (test/bench), the creditkit bundles it hosts
// (dist/cdn at /cdn/), its session endpoint, and on the same origin the simulator's API (/v1/*).
// The same layout as test/e2e/server.ts (which serves only test/e2e/pages), plus a per-request log so
// the bench can count API calls on the server side as well. Needs `--conditions=source --import tsx`.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENTS, createSimulator, DEMO_AGENCIES, SCENARIOS } from '@creditkit/mock/node';
import { serve } from '@hono/node-server';

const root = fileURLToPath(new URL('../../', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** A file; in HTML, `__ORIGIN__` becomes this server's origin (the SDK wants an absolute `api-base`). */
async function file(path, origin) {
  try {
    let body = await readFile(path);
    if (extname(path) === '.html') body = body.toString('utf8').replaceAll('__ORIGIN__', origin);
    return new Response(body, {
      headers: { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

/**
 * Starts the server on a free loopback port. A fresh simulator per call: every measurement starts from
 * the seeded state. `log` receives every request path (the bench counts `/v1/*` with it).
 */
export async function startBenchServer() {
  let sim;
  let origin = '';
  const log = [];
  const server = serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: async (request) => {
      const url = new URL(request.url);
      const path = normalize(decodeURIComponent(url.pathname));
      if (path.includes('..')) return new Response('Bad path', { status: 400 });
      log.push({ at: performance.now(), method: request.method, path });
      if (path.startsWith('/v1/')) return sim.fetch(request);
      if (path === '/creditkit/session') {
        const wanted = url.searchParams.get('client') ?? 'healthy';
        const scenario = SCENARIOS.includes(wanted) ? wanted : 'healthy';
        const { token, expiresAt } = await sim.session(scenario);
        return Response.json({ token, expiresAt }, { headers: { 'cache-control': 'no-store' } });
      }
      if (path.startsWith('/cdn/')) return file(join(root, 'dist/cdn', path.slice('/cdn/'.length)), origin);
      if (path.startsWith('/bench/')) return file(join(root, 'test/bench', path.slice('/bench/'.length)), origin);
      return new Response('Not found', { status: 404 });
    },
  });
  await new Promise((resolve) => server.once('listening', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  sim = await createSimulator({ allowedOrigins: [origin] });
  return {
    origin,
    sim,
    log,
    /** Gives the healthy client and its agency enough voice credits for any load test. */
    async fund() {
      await sim.engine.manualGrant(DEMO_AGENCIES.main.id, CLIENTS.healthy.id, { pool: 'voice', credits: 500_000_000 });
      await sim.engine.topUpWallet(DEMO_AGENCIES.main.id, 'voice', 5_000_000_000);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

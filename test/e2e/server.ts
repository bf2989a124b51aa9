// A stand-in for an agency's web server in end-to-end tests: its pages, the creditkit bundle it
// hosts, its session endpoint, and (on the same origin, for simplicity) the simulator's API.
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { createSimulator, SCENARIOS, type Scenario, type Simulator } from '@creditkit/mock';
import { serve } from '@hono/node-server';

const root = new URL('../../', import.meta.url).pathname;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Pages that must run under the strictest policy an agency might set (THREATS 19). */
const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; require-trusted-types-for 'script'; trusted-types lit-html";

export interface E2EServer {
  origin: string;
  sim: Simulator;
  close(): Promise<void>;
}

async function file(
  path: string,
  headers: Record<string, string> = {},
  rewrite?: (text: string) => string,
): Promise<Response> {
  try {
    const raw = await readFile(path);
    const body = rewrite && extname(path) === '.html' ? rewrite(raw.toString('utf8')) : raw;
    return new Response(body, {
      headers: { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...headers },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

/** The tag static.html loads the bundle with, and what `?bundle=` puts there instead, as its users write it. */
const DEFAULT_TAG = '<script type="module" src="/cdn/creditkit.js"></script>';
const BUNDLE_TAGS: Record<string, string> = {
  core: '<script type="module" src="/cdn/creditkit-core.js"></script>',
  classic: '<script defer src="/cdn/creditkit.classic.js"></script>',
};

/**
 * Serves `/` from dist/demo, `/cdn/` from dist/cdn, `/pages/` from test/e2e/pages, and the API.
 * In the HTML of `/pages/`, `__ORIGIN__` becomes this server's origin: the SDK takes only an absolute
 * `api-base`, and the port is random. `?bundle=core|classic` swaps the page's creditkit.js tag for that bundle's.
 */
export async function startE2EServer(): Promise<E2EServer> {
  let sim: Simulator | undefined;
  let origin = '';
  const pageHtml =
    (bundle: string | null) =>
    (html: string): string => {
      const page = html.replaceAll('__ORIGIN__', origin);
      const tag = bundle === null ? undefined : BUNDLE_TAGS[bundle];
      if (bundle !== null && (!tag || !page.includes(DEFAULT_TAG)))
        throw new Error(`no bundle "${bundle}" for this page`);
      return tag ? page.replace(DEFAULT_TAG, tag) : page;
    };
  const server = serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: async (request: Request) => {
      const url = new URL(request.url);
      const path = normalize(decodeURIComponent(url.pathname));
      if (path.includes('..')) return new Response('Bad path', { status: 400 });
      if (path.startsWith('/v1/')) return (sim as Simulator).fetch(request);
      // Browsers ask for it on every page: no icon, and no 404 in the console.
      if (path === '/favicon.ico') return new Response(null, { status: 204 });
      if (path === '/creditkit/session') {
        const wanted = url.searchParams.get('client') ?? 'healthy';
        const scenario = (SCENARIOS as readonly string[]).includes(wanted) ? (wanted as Scenario) : 'healthy';
        const { token, expiresAt } = await (sim as Simulator).session(scenario);
        return Response.json({ token, expiresAt }, { headers: { 'cache-control': 'no-store' } });
      }
      if (path.startsWith('/cdn/')) return file(join(root, 'dist/cdn', path.slice('/cdn/'.length)));
      if (path.startsWith('/pages/')) {
        const name = path.slice('/pages/'.length);
        const headers: Record<string, string> = name.startsWith('csp') ? { 'content-security-policy': STRICT_CSP } : {};
        const html = pageHtml(url.searchParams.get('bundle'));
        return file(join(root, 'test/e2e/pages', name), { 'cache-control': 'no-store', ...headers }, html);
      }
      return file(join(root, 'dist/demo', path.endsWith('/') ? `${path}index.html` : path));
    },
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim = await createSimulator({ allowedOrigins: [origin] });
  return {
    origin,
    sim,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

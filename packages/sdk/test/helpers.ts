// Shared fixture for the SDK's browser tests: a fresh simulator per test behind msw, a client pointed at
// it through a recording fetch (so tests can count requests and read their headers), and cleanup.
import { createSimulator, mswHandlers, type Scenario, type Simulator, type SimulatorOptions } from '@creditkit/mock';
import { type HttpHandler, HttpResponse, http } from 'msw';
import { type SetupWorker, setupWorker } from 'msw/browser';
import { type ClientOptions, type CreditkitClient, createClient } from '../src/index.js';

export const API = 'https://api.creditkit.test';
export const SESSION_PATH = '/creditkit/session';

let worker: SetupWorker | undefined;
const clients: CreditkitClient[] = [];

/** Starts msw once per test file. */
export async function startWorker(): Promise<SetupWorker> {
  if (!worker) {
    worker = setupWorker();
    await worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledFrame: 'bypass', quiet: true });
  }
  return worker;
}

/** One request the client made, as it went out and how it came back. */
export interface Call {
  method: string;
  path: string;
  url: URL;
  headers: Headers;
  status: number | 'error';
}

export interface Fixture {
  sim: Simulator;
  client: CreditkitClient;
  calls: Call[];
  /** Calls to the API matching `METHOD /path` (prefix match on the path). */
  count(endpoint: string): number;
  /** Session tokens handed out so far. */
  sessions(): number;
  /** The fetch the client uses (records, then forwards to `intercept` or the real fetch → msw). */
  fetch: typeof fetch;
}

export interface FixtureOptions {
  scenario?: Scenario;
  /** Session token lifetime in seconds. */
  ttl?: number;
  simulator?: SimulatorOptions;
  client?: Partial<ClientOptions>;
  /** Drop `serverTime` from the session answer (an agency endpoint returning only { token, expiresAt }). */
  bareSession?: boolean;
  /** Wraps the real fetch, inside the recording one (fault injection). */
  intercept?: (next: typeof fetch) => typeof fetch;
  /** Extra msw handlers (the session endpoint…), before the simulator's. */
  handlers?: HttpHandler[];
}

export async function setup(options: FixtureOptions = {}): Promise<Fixture> {
  const w = await startWorker();
  const sim = await createSimulator(options.simulator);
  w.resetHandlers(...(options.handlers ?? []), ...mswHandlers(sim, API));
  const calls: Call[] = [];
  const inner = options.intercept ? options.intercept((input, init) => fetch(input, init)) : fetch;
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    const call: Call = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      url,
      headers: new Headers(init?.headers),
      status: 'error',
    };
    calls.push(call);
    const response = await inner(input, init);
    call.status = response.status;
    return response;
  };
  let sessions = 0;
  const client = createClient({
    apiBase: API,
    fetchSessionToken: async () => {
      sessions++;
      const session = await sim.session(options.scenario ?? 'healthy', options.ttl);
      return options.bareSession ? { token: session.token, expiresAt: session.expiresAt } : session;
    },
    fetch: recording,
    timeoutMs: 2000,
    reconnectMs: 50,
    ...options.client,
  });
  clients.push(client);
  return {
    sim,
    client,
    calls,
    fetch: recording,
    sessions: () => sessions,
    count: (endpoint) => {
      const [method, path] = endpoint.split(' ') as [string, string];
      return calls.filter((c) => c.method === method && c.path.startsWith(path) && c.url.origin === API).length;
    },
  };
}

/** Another client (another tab) on the same simulator. */
export function secondClient(
  fixture: Fixture,
  scenario: Scenario = 'healthy',
  extra: Partial<ClientOptions> = {},
): CreditkitClient {
  const client = createClient({
    apiBase: API,
    fetchSessionToken: () => fixture.sim.session(scenario),
    timeoutMs: 2000,
    ...extra,
  });
  clients.push(client);
  return client;
}

/** Destroys every client made by the fixtures (call in afterEach). */
export function cleanup(): void {
  for (const client of clients.splice(0)) client.destroy();
  worker?.resetHandlers();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `predicate` holds (or fails the test after `timeout` ms). */
export async function until(predicate: () => unknown, what = 'condition', timeout = 3000): Promise<void> {
  const end = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** The session id inside a `cks_` token, to revoke it in the engine. */
export function jtiOf(token: string): string {
  const payload = token.slice(4).split('.')[0] as string;
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return (JSON.parse(json) as { jti: string }).jti;
}

/** The Authorization token of the last call to `path`. */
export function lastToken(calls: Call[], path: string): string {
  const call = calls.filter((c) => c.path === path).at(-1);
  return (call?.headers.get('authorization') ?? '').replace(/^Bearer /, '');
}

/** A session endpoint on the page's own origin, with behaviour the test can change. */
export function sessionEndpoint(
  sim: () => Simulator,
  behaviour: { mode: 'ok' | '500' | '401' | 'junk' | 'hang' | 'secret'; hits: number },
): HttpHandler {
  return http.post(`${location.origin}${SESSION_PATH}`, async () => {
    behaviour.hits++;
    switch (behaviour.mode) {
      case '500':
        return new HttpResponse('oops', { status: 500 });
      case '401':
        return HttpResponse.json({ error: 'not signed in' }, { status: 401 });
      case 'junk':
        return new HttpResponse('<html>Welcome</html>', { headers: { 'content-type': 'text/html' } });
      case 'hang':
        return new Promise<Response>(() => {});
      case 'secret':
        return HttpResponse.json({
          token: 'ck_sk_test_brightwave_demo',
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        });
      default:
        return HttpResponse.json(await sim().session('healthy'));
    }
  });
}

/** A controllable SSE response for injected event streams. */
export function fakeStream(): { response: Response; send(text: string): void; close(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    send: (text) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
  };
}

/**
 * Fault injection for tests and the demo's fault panel. Scripted faults are consumed in order and
 * make tests deterministic; the rates are for the demo.
 */
export interface Fault {
  /** Only requests whose path starts with this (e.g. `/v1/widget`). */
  path?: string;
  /** An HTTP status to answer with (e.g. 503, 429), or `network` for a failed fetch, `hang` for no answer. */
  kind: number | 'network' | 'hang' | 'junk';
  /** For 429/503: the Retry-After header (seconds or an HTTP date). */
  retryAfter?: string;
  /** How many matching requests this fault answers (default 1). */
  times?: number;
}

export interface Chaos {
  /** Added to every answer, in ms (a number or a [min, max] range). */
  latencyMs?: number | [number, number];
  /** Probability (0–1) that a request fails with a 503. */
  errorRate?: number;
  /** Every request fails as if the network were down. */
  offline?: boolean;
  /** Event streams are cut after this many ms. */
  dropStreamAfterMs?: number;
  /** Faults to answer the next matching requests with. */
  script?: Fault[];
  random?: () => number;
}

export class NetworkError extends TypeError {
  constructor() {
    super('Failed to fetch (simulated network failure)');
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wraps a Fetch handler with the chaos knobs. A thrown NetworkError means "fail the fetch". */
export function withChaos(
  handler: (request: Request) => Promise<Response>,
  chaos: Chaos,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const random = chaos.random ?? Math.random;
    const { latencyMs } = chaos;
    if (latencyMs) {
      const [min, max] = Array.isArray(latencyMs) ? latencyMs : [latencyMs, latencyMs];
      await sleep(min + random() * (max - min));
    }
    if (chaos.offline) throw new NetworkError();
    const path = new URL(request.url).pathname;
    const fault = chaos.script?.find((f) => !f.path || path.startsWith(f.path));
    if (fault && chaos.script) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) chaos.script.splice(chaos.script.indexOf(fault), 1);
      if (fault.kind === 'network') throw new NetworkError();
      if (fault.kind === 'hang') return new Promise<Response>(() => {});
      if (fault.kind === 'junk') {
        return new Response('<html><body>Bad gateway</body></html>', {
          status: 200,
          headers: { 'content-type': 'text/html' },
        });
      }
      return errorStatus(fault.kind, fault.retryAfter);
    }
    if (chaos.errorRate && random() < chaos.errorRate) return errorStatus(503);
    const response = await handler(request);
    if (chaos.dropStreamAfterMs !== undefined && response.body && path === '/v1/events') {
      return cutStream(response, chaos.dropStreamAfterMs);
    }
    return response;
  };
}

function errorStatus(status: number, retryAfter?: string): Response {
  const code = status === 429 ? 'rate_limited' : status >= 500 ? 'internal_error' : 'invalid_request';
  return new Response(JSON.stringify({ error: { code, message: `Simulated ${status}`, requestId: 'req_chaos' } }), {
    status,
    headers: { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) },
  });
}

function cutStream(response: Response, afterMs: number): Response {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const cut = new ReadableStream<Uint8Array>({
    start(controller) {
      setTimeout(() => {
        reader.cancel().catch(() => {});
        try {
          controller.close();
        } catch {}
      }, afterMs);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        try {
          controller.close();
        } catch {}
      }
    },
    cancel() {
      return reader.cancel();
    },
  });
  return new Response(cut, { status: response.status, headers: response.headers });
}

// The load generator, run as a separate process by bench.ts so the server's event loop is not shared
// with the client's. Loopback only. Input: a JSON job in argv[2]; output: one JSON result on stdout.
//   usage:  POST /v1/usage-events `count` times with `concurrency` in flight (stops early at `maxMs`)
//   fanout: `clients` SSE streams on one sub-account, then one usage event; time until all saw it
import { performance } from 'node:perf_hooks';

interface UsageJob {
  kind: 'usage';
  url: string;
  /** Requests round-robin over these (agency secret key, sub-account). */
  targets: { secretKey: string; subAccountId: string }[];
  count: number;
  concurrency: number;
  maxMs: number;
}

interface FanoutJob {
  kind: 'fanout';
  url: string;
  secretKey: string;
  subAccountId: string;
  token: string;
  clients: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as UsageJob | FanoutJob;
if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(job.url))
  throw new Error(`loopback only, got ${job.url}`);

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;

async function usage(j: UsageJob) {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + j.maxMs;
  const worker = async (): Promise<void> => {
    while (next < j.count && performance.now() < deadline) {
      const i = next++;
      const t = j.targets[i % j.targets.length]!;
      const body = JSON.stringify({
        id: `b-${run}-${i}`,
        subAccountId: t.subAccountId,
        pool: 'voice',
        seconds: 1,
        provider: 'deepgram',
      });
      const t0 = performance.now();
      const res = await fetch(`${j.url}/v1/usage-events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.secretKey}`, 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== 200) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: j.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function fanout(j: FanoutJob) {
  const connectStart = performance.now();
  let sentAt = 0;
  const arrivals: number[] = [];
  let ready = 0;
  let onReady: () => void = () => {};
  let onAll: () => void = () => {};
  const allReady = new Promise<void>((r) => {
    onReady = r;
  });
  const allArrived = new Promise<void>((r) => {
    onAll = r;
  });
  const aborts: AbortController[] = [];
  const open = async (): Promise<void> => {
    const abort = new AbortController();
    aborts.push(abort);
    const res = await fetch(`${j.url}/v1/events`, {
      headers: { authorization: `Bearer ${j.token}` },
      signal: abort.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`events: ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let snapshot = false;
    let arrived = false;
    (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          if (!id || !block.includes('event: balance')) continue;
          if (!snapshot) {
            snapshot = true;
            if (++ready === j.clients) onReady();
          } else if (!arrived) {
            // Nothing else changes this account during the run: the first event after the snapshot is ours.
            arrived = true;
            arrivals.push(performance.now() - sentAt);
            if (arrivals.length === j.clients) onAll();
          }
        }
      }
    })().catch(() => undefined);
  };
  // Open in batches so the accept queue is not the thing measured.
  for (let i = 0; i < j.clients; i += 100)
    await Promise.all(Array.from({ length: Math.min(100, j.clients - i) }, open));
  await allReady;
  const connectMs = performance.now() - connectStart;
  sentAt = performance.now();
  const res = await fetch(`${j.url}/v1/usage-events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${j.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: `f-${run}`, subAccountId: j.subAccountId, pool: 'sms', count: 1, country: 'US' }),
  });
  if (res.status !== 200) throw new Error(`usage: ${res.status} ${await res.text()}`);
  const timeout = setTimeout(() => onAll(), 30_000);
  await allArrived;
  clearTimeout(timeout);
  for (const a of aborts) a.abort();
  arrivals.sort((a, b) => a - b);
  return {
    clients: j.clients,
    connectMs,
    received: arrivals.length,
    p50: percentile(arrivals, 50),
    p99: percentile(arrivals, 99),
    max: arrivals.at(-1) ?? NaN,
  };
}

const result = job.kind === 'usage' ? await usage(job) : await fanout(job);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

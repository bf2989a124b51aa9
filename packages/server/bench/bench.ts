// `npm run bench -w @creditkit/server` (or `runServerBench()`): the reference server under load, on
// PGlite and on PostgreSQL (a throwaway local cluster), with the load from a second process on
// loopback. Prints a table:
//   - POST /v1/usage-events: throughput and p50/p99 latency, one agency (its wallet row serializes
//     every debit: the worst case) and 8 agencies (independent rows: what PostgreSQL can overlap);
//   - SSE fan-out: one balance change → time until all 1000 connected clients received it.
// Bounded: a fixed request count per run, a time cap, and at most 1000 streams.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { agencyInput, PLANS } from '@creditkit/mock/node';
import { type Database, openPglite, openPostgres } from '../src/db/database.js';
import { silentLogger } from '../src/log.js';
import { type RunningServer, startServer } from '../src/server.js';
import { pgliteDir } from '../test/helpers/pglite.js';
import { startCluster } from '../test/helpers/postgres.js';

const run = promisify(execFile);
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));

export interface BenchOptions {
  /** Usage events per run (default 2000). */
  requests?: number;
  concurrency?: number;
  /** SSE clients for the fan-out (default 1000). */
  clients?: number;
  databases?: ('pglite' | 'postgres')[];
}

export interface BenchRow {
  database: string;
  scenario: string;
  result: string;
  p50: string;
  p99: string;
}

async function load(job: object): Promise<any> {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', LOAD, JSON.stringify(job)],
    {
      maxBuffer: 1 << 20,
      timeout: 180_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;

async function agencies(server: RunningServer, n: number, subsEach: number) {
  const targets: { secretKey: string; subAccountId: string }[] = [];
  for (let a = 0; a < n; a++) {
    const id = `ag_bench${Date.now().toString(36)}${a}`;
    const secretKey = `ck_sk_test_bench_${id}`;
    // Plenty of credits: the bench measures the write path, not refusals.
    const plans = [{ ...PLANS[0]!, included: { voice: 1_000_000_000, sms: 1_000_000_000 } }];
    await server.engine.createAgency(
      agencyInput({ id, secretKey, plans, wallet: { voice: 10_000_000_000, sms: 10_000_000_000 } }),
    );
    for (let s = 0; s < subsEach; s++) {
      const view = await server.engine.createSubAccount(id, { name: `Bench ${s}`, planId: 'plan_starter' });
      targets.push({ secretKey, subAccountId: view.id });
    }
  }
  return targets;
}

async function benchOne(kind: 'pglite' | 'postgres', options: Required<BenchOptions>): Promise<BenchRow[]> {
  let database: Database;
  let cleanup: () => Promise<void>;
  if (kind === 'pglite') {
    const dir = await pgliteDir();
    database = await openPglite({ dataDir: dir });
    cleanup = async () => rmSync(dirname(dir), { recursive: true, force: true });
  } else {
    const cluster = await startCluster();
    database = await openPostgres({ connectionString: await cluster.createDatabase(), max: 20 });
    cleanup = () => cluster.stop();
  }
  await database.migrate();
  const server = await startServer({
    database,
    port: 0,
    host: '127.0.0.1',
    seed: false,
    log: silentLogger,
    siteDir: null,
    cdnDir: null,
  });
  const rows: BenchRow[] = [];
  try {
    for (const [label, n, subs] of [
      ['usage-events, 1 agency × 20 clients', 1, 20],
      ['usage-events, 8 agencies × 4 clients', 8, 4],
    ] as const) {
      const targets = await agencies(server, n, subs);
      // Warm up (JIT, pool, plans), then measure.
      await load({
        kind: 'usage',
        url: server.url,
        targets,
        count: 200,
        concurrency: options.concurrency,
        maxMs: 10_000,
      });
      const r = await load({
        kind: 'usage',
        url: server.url,
        targets,
        count: options.requests,
        concurrency: options.concurrency,
        maxMs: 30_000,
      });
      rows.push({
        database: kind,
        scenario: `${label}, ${options.concurrency} in flight`,
        result: `${Math.round(r.rps)} req/s (${r.requests} req, ${r.errors} errors)`,
        p50: ms(r.p50),
        p99: ms(r.p99),
      });
    }
    const [target] = await agencies(server, 1, 1);
    const { token } = await server.engine.mintSession(
      await server.engine.run(async ({ tx }) => (await tx.get('accounts', target!.subAccountId))!.agencyId),
      target!.subAccountId,
    );
    const f = await load({ kind: 'fanout', url: server.url, ...target, token, clients: options.clients });
    rows.push({
      database: kind,
      scenario: `SSE fan-out: 1 balance change → ${f.clients} clients`,
      result: `all ${f.received}/${f.clients} in ${ms(f.max)} (connect ${Math.round(f.connectMs)} ms)`,
      p50: ms(f.p50),
      p99: ms(f.p99),
    });
  } finally {
    await server.close();
    await database.close();
    await cleanup();
  }
  return rows;
}

export function formatTable(rows: BenchRow[]): string {
  const head: BenchRow = { database: 'database', scenario: 'scenario', result: 'result', p50: 'p50', p99: 'p99' };
  const keys = Object.keys(head) as (keyof BenchRow)[];
  const width = Object.fromEntries(
    keys.map((k) => [k, Math.max(...[head, ...rows].map((r) => r[k].length))]),
  ) as Record<keyof BenchRow, number>;
  const line = (r: BenchRow) => `| ${keys.map((k) => r[k].padEnd(width[k])).join(' | ')} |`;
  return [line(head), `|${keys.map((k) => '-'.repeat(width[k] + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Runs the server benchmark and returns the printed table. */
export async function runServerBench(options: BenchOptions = {}): Promise<string> {
  const o: Required<BenchOptions> = {
    requests: 2000,
    concurrency: 32,
    clients: 1000,
    databases: ['pglite', 'postgres'],
    ...options,
  };
  const rows: BenchRow[] = [];
  for (const kind of o.databases) rows.push(...(await benchOne(kind, o)));
  return formatTable(rows);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const table = await runServerBench({
    ...(process.env.BENCH_REQUESTS ? { requests: Number(process.env.BENCH_REQUESTS) } : {}),
    ...(process.env.BENCH_CLIENTS ? { clients: Number(process.env.BENCH_CLIENTS) } : {}),
    ...(process.env.BENCH_DB ? { databases: process.env.BENCH_DB.split(',') as ('pglite' | 'postgres')[] } : {}),
  });
  console.log(`\ncreditkit server (${process.version}, loopback, load from a second process)\n\n${table}\n`);
}

#!/usr/bin/env node
// `npm run bench`: measured budgets (DESIGN.md §6). Each row is one measurement with its budget; the
// BENCHES below each produce rows:
//   sizes   — `npm run build:cdn`, then raw/gzip/brotli of every dist/cdn file and of the SDK alone
//             against the byte budgets, a scan for msw / zod classic / React, and the largest
//             contributors of creditkit-core.js (Rolldown module list of the same entry);  scripts/bench/sizes.mjs
//   browser — headless Chromium against dist/cdn/creditkit.js on test/bench pages with the simulator
//             API: requests before first data, script → data at 1×/4× CPU, CLS, long frames under
//             1000 balance events/s, memory per widget;                                 scripts/bench/browser.mjs
//   server  — `npm run bench -w @creditkit/server` (usage-events throughput, SSE fan-out), its table
//             captured into the results.
// Prints one table and writes bench-results.json at the repo root.
// Flags: --check exits 1 when a BYTE budget (or, for a file whose budget is not met yet, its ceiling in
// scripts/bench/sizes.mjs) is exceeded or forbidden code ships (deterministic; timings are never checked); --size-only (sizes only, for CI); --no-browser; --no-server; --no-build; --no-json (no
// bench-results.json).
// Env: BENCH_RUNS (timing runs, default 5), BENCH_STRESS_SECONDS (default 5), BENCH_STRESS_MODE=live,
// BENCH_REQUESTS (server bench, default 500 here), BENCH_DB (server bench databases).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bundle,
  contributors,
  ENTRIES,
  FILE_BUDGETS,
  forbidden,
  KiB,
  manifest,
  root,
  SDK_BUDGET,
  staticClosure,
} from './bench/sizes.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const sizeOnly = flag('--size-only');
const withBrowser = !sizeOnly && !flag('--no-browser');
const withServer = !sizeOnly && !flag('--no-server');
const started = performance.now();

/** Runs a command with its output on ours; resolves with its exit code (or the signal), killed after `timeoutMs`. */
function run(command, args, { timeoutMs, env = {}, capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
      detached: true, // its own process group, so a timeout ends it and its children
    });
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    const timer = timeoutMs
      ? setTimeout(() => {
          console.error(`bench: ${command} ${args.join(' ')} took over ${timeoutMs / 1000} s, stopping it`);
          try {
            process.kill(-child.pid, 'SIGTERM');
          } catch {}
        }, timeoutMs)
      : null;
    child.on('error', (error) => resolve({ code: String(error.message), out }));
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: signal ? `signal ${signal}` : code, out });
    });
  });
}

const fmt = (bytes) => (bytes === undefined || bytes === null ? '' : `${(bytes / KiB).toFixed(2)} KiB`);
const contrib = {};

/** One entry per measurement group: `run` returns rows `{ name, kind, text, budget, over, checked, … }`. */
const BENCHES = [
  {
    group: 'size',
    enabled: true,
    async run() {
      if (!flag('--no-build')) {
        const { code } = await run('npm', ['run', '--silent', 'build:cdn']);
        if (code !== 0) throw new Error(`npm run build:cdn failed (${code})`);
      }
      const rows = [];
      // `ceiling`: the most --check allows while `budget` is not met (FILE_BUDGETS in scripts/bench/sizes.mjs).
      const sizeRow = (name, s, budget, detail = '', ceiling = null) => ({
        name,
        kind: 'size',
        metric: 'gzip',
        raw: s.raw ?? s.bytes,
        gzip: s.gzip,
        brotli: s.brotli,
        text: `${fmt(s.gzip)} gzip`,
        detail: [`${fmt(s.raw ?? s.bytes)} raw, ${fmt(s.brotli)} brotli`, detail].filter(Boolean).join('; '),
        budget: budget ?? null,
        budgetText: budget ? `≤ ${fmt(budget)} gzip` : '—',
        over: budget ? s.gzip > budget : null,
        checked: Boolean(budget),
        ceiling,
        overCeiling: ceiling ? s.gzip > ceiling : null,
      });
      const m = manifest();
      const loadedBy = {};
      for (const [file, b] of Object.entries(FILE_BUDGETS)) {
        if (!m[file]) {
          rows.push({ name: `dist/cdn/${file}`, kind: 'error', error: 'missing from dist/cdn', checked: true });
          continue;
        }
        // What a page fetches for this script: the file and its static imports, each compressed alone.
        const files = staticClosure(file);
        for (const f of files.slice(1)) (loadedBy[f] ??= []).push(file);
        const total = { bytes: 0, gzip: 0, brotli: 0 };
        for (const f of files) for (const k of Object.keys(total)) total[k] += m[f]?.[k] ?? 0;
        const extra = files.slice(1).map((f) => `+ ${f} (${fmt(m[f]?.gzip)} gz, a second request)`);
        const held = b.ceiling && total.gzip > b.budget ? `CI holds it ≤ ${fmt(b.ceiling)} gzip (budget unmet)` : '';
        rows.push(
          sizeRow(
            `dist/cdn/${file} (${b.what})`,
            total,
            b.budget,
            [held, ...extra].filter(Boolean).join(', '),
            b.ceiling,
          ),
        );
      }
      for (const [file, s] of Object.entries(m)) {
        if (FILE_BUDGETS[file]) continue;
        const why = loadedBy[file] ? `static import of ${loadedBy[file].join(', ')}: counted there` : 'lazy chunk';
        rows.push(sizeRow(`dist/cdn/${file} (${why})`, s, null));
      }
      const sdk = await bundle('packages/sdk/src/index.ts');
      rows.push(
        sizeRow('SDK alone (packages/sdk, with schemas and nanostores; bundled as dist/cdn is)', sdk, SDK_BUDGET),
      );
      const graphs = {};
      for (const entry of new Set(Object.values(ENTRIES))) graphs[entry] = await bundle(entry);
      const core = graphs[ENTRIES['creditkit-core.js']];
      rows.push(
        sizeRow(
          'creditkit-core.js entry, bundled again for its module list (source of the contributor list)',
          core,
          null,
          `${core.files} file(s)`,
        ),
      );
      const found = await forbidden(graphs);
      rows.push({
        name: 'msw / zod classic / React in the shipped bundles',
        kind: 'content',
        text: found.length ? `${found.length} found` : 'none',
        detail:
          found.join('; ') || `text of every dist/cdn file and the module graphs of ${Object.keys(graphs).join(', ')}`,
        budget: 0,
        budgetText: 'none',
        over: found.length > 0,
        checked: true,
      });
      contrib['creditkit-core.js'] = { entry: ENTRIES['creditkit-core.js'], gzip: core.gzip, ...contributors(core) };
      return rows;
    },
  },
  {
    group: 'browser',
    enabled: withBrowser,
    async run() {
      const dir = mkdtempSync(join(tmpdir(), 'creditkit-bench-'));
      const file = join(dir, 'browser.json');
      try {
        const { code } = await run(
          process.execPath,
          ['--conditions=source', '--import', 'tsx', 'scripts/bench/browser.mjs', file],
          { timeoutMs: 240_000 },
        );
        if (!existsSync(file)) throw new Error(`the browser bench ended (${code}) without results`);
        const result = JSON.parse(readFileSync(file, 'utf8'));
        browserInfo.chromium = result.chromium;
        browserInfo.notes = result.notes;
        return result.rows.map((r) => ({ ...r, checked: false }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    group: 'server',
    enabled: withServer,
    async run() {
      const { code, out } = await run('npm', ['run', '--silent', 'bench', '-w', '@creditkit/server'], {
        timeoutMs: 270_000,
        capture: true,
        env: { BENCH_REQUESTS: process.env.BENCH_REQUESTS ?? '500' },
      });
      const lines = out.split('\n').filter((l) => l.trim().startsWith('|'));
      if (code !== 0 || lines.length < 3) throw new Error(`npm run bench -w @creditkit/server: exit ${code}, no table`);
      const cells = (l) =>
        l
          .trim()
          .slice(1, -1)
          .split('|')
          .map((c) => c.trim());
      const head = cells(lines[0]);
      serverTable = lines.join('\n');
      return lines.slice(2).map((l) => {
        const r = Object.fromEntries(cells(l).map((c, i) => [head[i], c]));
        return {
          name: `${r.database}: ${r.scenario}`,
          kind: 'server',
          text: r.result,
          detail: `p50 ${r.p50}, p99 ${r.p99}`,
          budget: null,
          budgetText: '—',
          over: null,
          checked: false,
          server: r,
        };
      });
    },
  },
];

const browserInfo = {};
let serverTable = null;
const rows = [];
const durations = {};
for (const bench of BENCHES) {
  if (!bench.enabled) continue;
  const t0 = performance.now();
  try {
    for (const row of await bench.run()) rows.push({ group: bench.group, ...row });
  } catch (error) {
    rows.push({
      group: bench.group,
      name: `${bench.group} bench`,
      kind: 'error',
      error: String(error?.message ?? error),
      checked: bench.group === 'size',
    });
  }
  durations[bench.group] = Math.round((performance.now() - t0) / 1000);
}

function status(r) {
  if (r.error || r.kind === 'error') return 'ERROR';
  if (r.over === null || r.over === undefined) return 'info';
  if (!r.over) return 'ok';
  if (r.ceiling) return r.overCeiling ? 'OVER CEILING' : 'OVER BUDGET (≤ ceiling)';
  return r.checked ? 'OVER BUDGET' : 'over budget (not checked)';
}
const table = rows.map((r, i) => ({
  '#': String(i + 1),
  group: r.group,
  bench: r.name,
  result: r.error ? r.error : (r.text ?? ''),
  budget: r.budgetText ?? '—',
  status: status(r),
  detail: r.detail ?? '',
}));
const cols = Object.keys(table[0] ?? {});
const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...table.map((t) => t[c].length))]));
const line = (t) => `| ${cols.map((c) => t[c].padEnd(width[c])).join(' | ')} |`;
console.log(
  `\ncreditkit bench — ${new Date().toISOString()}, Node ${process.version}${browserInfo.chromium ? `, Chromium ${browserInfo.chromium}` : ''}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}\n`,
);
console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
console.log(`|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`);
for (const t of table) console.log(line(t));

for (const [file, c] of Object.entries(contrib)) {
  console.log(
    `\n${file} (${c.entry}: ${fmt(c.total)} of modules before minifying, ${fmt(c.gzip)} gzip after) — largest contributors (gzip ≈ share of the total):`,
  );
  for (const g of c.groups.slice(0, 14)) {
    console.log(
      `  ${fmt(g.bytes).padStart(10)}  ${(g.share * 100).toFixed(1).padStart(5)}%  ≈${fmt(g.gzipEstimate).padStart(10)} gz  ${g.name}`,
    );
  }
  console.log('  largest files:');
  for (const f of c.files.slice(0, 12)) {
    console.log(`  ${fmt(f.bytes).padStart(10)}  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}`);
  }
}
if (browserInfo.notes?.length) console.log(`\nnotes:\n${browserInfo.notes.map((n) => `  ${n}`).join('\n')}`);
const elapsed = (performance.now() - started) / 1000;
console.log(
  `\nbench took ${elapsed.toFixed(0)} s (${Object.entries(durations)
    .map(([g, d]) => `${g} ${d} s`)
    .join(', ')}); timings are informational (never checked); --check checks bytes only.`,
);

if (!flag('--no-json'))
  writeFileSync(
    join(root, 'bench-results.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        chromium: browserInfo.chromium ?? null,
        machine: { cpus: cpus().length, load: loadavg().map((n) => Math.round(n * 10) / 10) },
        seconds: Math.round(elapsed),
        durations,
        results: rows.map((r) => ({ ...r, status: status(r) })),
        contributors: contrib,
        serverTable,
        notes: browserInfo.notes ?? [],
      },
      null,
      2,
    )}\n`,
  );
if (flag('--check')) {
  // A row over its budget but within its ceiling passes: the budget is unmet (issue #4), the size held.
  const failed = rows.filter(
    (r) => r.checked && ((r.ceiling ? r.overCeiling : r.over) || r.error || r.kind === 'error'),
  );
  if (failed.length) {
    console.error(`\nbench --check: ${failed.length} byte limit(s) failed: ${failed.map((r) => r.name).join('; ')}`);
    process.exitCode = 1;
  } else {
    const held = rows.filter((r) => r.checked && r.over);
    console.log(
      `\nbench --check: every byte limit holds${held.length ? `; over their DESIGN.md budget but within their ceiling: ${held.map((r) => r.name).join('; ')}` : ''}.`,
    );
  }
}

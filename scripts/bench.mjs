#!/usr/bin/env node
// `npm run bench`: measured budgets (DESIGN.md §6). Each row is one measurement with its budget; later
// issues add rows (the widget bundles, timings in a real browser) by adding entries to BENCHES.
// Prints a table and writes bench-results.json at the repo root. `--check` exits 1 when a row is over budget.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const KiB = 1024;

/** Bundles an entry the way a browser bundle ships: ESM, minified, `source` condition, production mode. */
async function bundleSize(entry) {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0].inputs)
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    inputs,
  };
}

/** One row per measurement: `run` returns the measured value(s); `budget` applies to `metric`. */
const BENCHES = [
  {
    name: 'sdk bundle (packages/sdk, with schemas and nanostores)',
    kind: 'size',
    metric: 'gzip',
    budget: 9 * KiB,
    run: () => bundleSize('packages/sdk/src/index.ts'),
  },
];

const fmt = (bytes) => (bytes === undefined ? '' : `${(bytes / KiB).toFixed(2)} KiB`);
const rows = [];
for (const bench of BENCHES) {
  try {
    const value = await bench.run();
    rows.push({ ...bench, run: undefined, value, over: value[bench.metric] > bench.budget });
  } catch (error) {
    rows.push({ ...bench, run: undefined, error: String(error?.message ?? error), over: true });
  }
}

const table = rows.map((r) => ({
  bench: r.name,
  raw: r.error ? 'ERROR' : fmt(r.value.raw),
  gzip: r.error ? '' : fmt(r.value.gzip),
  brotli: r.error ? '' : fmt(r.value.brotli),
  budget: `${fmt(r.budget)} ${r.metric}`,
  status: r.error ? r.error : r.over ? 'OVER BUDGET' : 'ok',
}));
console.table(table);
for (const r of rows.filter((r) => r.value?.inputs)) {
  console.log(`\n${r.name} — largest inputs (minified bytes before compression):`);
  for (const i of r.value.inputs.slice(0, 12)) console.log(`  ${String(i.bytes).padStart(7)}  ${i.path}`);
}

writeFileSync(
  new URL('../bench-results.json', import.meta.url),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      results: rows.map(({ name, kind, metric, budget, value, error, over }) => ({
        name,
        kind,
        metric,
        budget,
        ...(value ? { raw: value.raw, gzip: value.gzip, brotli: value.brotli } : {}),
        ...(error ? { error } : {}),
        over,
      })),
    },
    null,
    2,
  )}\n`,
);
if (process.argv.includes('--check') && rows.some((r) => r.over)) process.exitCode = 1;

#!/usr/bin/env node
// `npm test`: every test suite of the repo, in order, output streamed as it runs.
//   1. node   — node:test files `packages/*/test/**/*.test.ts` (not `*.browser.test.ts`)
//   2. browser — web-test-runner (web-test-runner.config.mjs): `*.browser.test.ts` in real browsers
//   3. e2e    — node:test files under `test/e2e/` (`*.test.{ts,mts,mjs,js}`, not `*.browser.test.*`),
//               only if that folder has any; first `npm run build:site` (dist/demo and dist/cdn, which
//               the e2e tests load), and a failed build fails the suite without running it
// `node scripts/test.mjs node` (or browser, e2e) runs only the named suites.
// Ends with exactly one line `N passed, N failed` (totals of all suites) and exits non-zero if any
// test failed or any suite crashed. A suite that exits non-zero without reporting a failed test counts
// as one failure, so a crash can never look green.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'creditkit-test-'));
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.data', 'test-results']);

/** Every file under `dir` (recursively) whose name passes `keep`; paths relative to the repo root. */
function findFiles(dir, keep) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...findFiles(full, keep));
    } else if (entry.isFile() && keep(entry.name)) {
      out.push(relative(root, full));
    }
  }
  return out.sort();
}

const packageTestDirs = () =>
  readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, 'packages', d.name, 'test'));

const isBrowserTest = (name) => /\.browser\.test\.[cm]?[jt]s$/.test(name);
const isNodeTest = (name) => /\.test\.[cm]?[jt]s$/.test(name) && !isBrowserTest(name);

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(signal ? `signal ${signal}` : code));
  });
}

/** Totals from a TAP stream written by node's test runner (its closing `# pass N` lines). */
function tapCounts(file) {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const grab = (key) => {
    const all = [...text.matchAll(new RegExp(`^# ${key} (\\d+)$`, 'gm'))];
    return all.length ? Number(all.at(-1)[1]) : null;
  };
  const pass = grab('pass');
  const fail = grab('fail');
  if (pass === null || fail === null) return null;
  return {
    passed: pass,
    failed: fail + (grab('cancelled') ?? 0),
    skipped: (grab('skipped') ?? 0) + (grab('todo') ?? 0),
  };
}

async function nodeSuite(name, files) {
  const tap = join(work, `${name}.tap`);
  const code = await run(process.execPath, [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    '--test-timeout=180000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  return { code, counts: tapCounts(tap) };
}

async function browserSuite() {
  const countsFile = join(work, 'wtr.json');
  const bin = join(dirname(require.resolve('@web/test-runner')), 'bin.js'); // its package bin, dist/bin.js
  const code = await run(process.execPath, [bin, '--config', 'web-test-runner.config.mjs'], {
    WTR_COUNTS_FILE: countsFile,
  });
  const counts = existsSync(countsFile) ? JSON.parse(readFileSync(countsFile, 'utf8')) : null;
  return { code, counts };
}

const suites = [
  {
    name: 'node',
    files: () => packageTestDirs().flatMap((dir) => findFiles(dir, isNodeTest)),
    run: (files) => nodeSuite('node', files),
  },
  {
    name: 'browser',
    files: () => [
      ...packageTestDirs().flatMap((dir) => findFiles(dir, isBrowserTest)),
      ...findFiles(join(root, 'test'), isBrowserTest),
    ],
    run: () => browserSuite(),
  },
  {
    name: 'e2e',
    files: () => findFiles(join(root, 'test', 'e2e'), isNodeTest),
    run: async (files) => {
      // The e2e tests run against the built demo and CDN bundles: build them first, output streamed.
      const build = await run('npm', ['run', 'build:site']);
      if (build !== 0) {
        console.error(`\nnpm run build:site failed (exit ${build}): e2e tests not run`);
        return { code: build, counts: { passed: 0, failed: 1, skipped: 0 } };
      }
      return nodeSuite('e2e', files);
    },
    silentIfEmpty: true,
  },
];

// `node scripts/test.mjs node browser` runs only the named suites (default: all).
const only = process.argv.slice(2);
const unknown = only.filter((name) => !suites.some((suite) => suite.name === name));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = [];
let crashed = false;

for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue;
  const files = suite.files();
  if (files.length === 0) {
    if (!suite.silentIfEmpty) summary.push(`${suite.name}: no test files`);
    continue;
  }
  console.log(`\n=== ${suite.name} tests (${files.length} file${files.length === 1 ? '' : 's'}) ===\n`);
  const started = Date.now();
  let result;
  try {
    result = await suite.run(files);
  } catch (error) {
    console.error(error);
    result = { code: 'harness error', counts: null };
  }
  const { code, counts } = result;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const c = counts ?? { passed: 0, failed: 0, skipped: 0 };
  let note = '';
  if (code !== 0 && c.failed === 0) {
    // Exited non-zero (or by a signal) without a failed test: a crash, a load error or no report at all.
    crashed = true;
    c.failed += 1;
    note = ` — CRASHED (exit ${code}${counts ? '' : ', no results'}), counted as 1 failure`;
  } else if (code === 0 && c.failed > 0) {
    note = ' — failures reported but exit code 0';
  }
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.skipped += c.skipped ?? 0;
  summary.push(`${suite.name}: ${c.passed} pass / ${c.failed} fail / ${c.skipped ?? 0} skip in ${seconds}s${note}`);
}

rmSync(work, { recursive: true, force: true });
console.log('\n=== summary ===');
for (const line of summary) console.log(`  ${line}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed > 0 || crashed ? 1 : 0;

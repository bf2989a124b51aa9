// Byte budgets (DESIGN.md §6): the dist/cdn files from their manifest, the SDK alone, what the shipped
// bundles must not contain, and where the bytes of creditkit-core.js come from (Rolldown's module list of
// the same entry). Deterministic: these rows are what `npm run bench -- --check` enforces.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { rolldown } from 'rolldown';
import { INPUT, OUTPUT, root } from '../bundler.mjs';

export { root };
export const KiB = 1024;
const cdn = join(root, 'dist/cdn');

/**
 * Budgets per shipped file (gzip). The classic script carries every widget, like creditkit.js.
 *
 * `ceiling`: where DESIGN.md's budget is not met yet (issue #4 is blocked on it: the SDK alone is ~9 KiB and
 * Lit ~5.5, so three widgets do not fit in 16), `--check` (and so CI) holds the line instead: the file may
 * not grow past its ceiling, its gzip size when the ceiling was set plus ~1 %. The row still says OVER
 * BUDGET. Lower a ceiling when a change shrinks the file; delete it once the budget is met.
 */
export const FILE_BUDGETS = {
  'creditkit-core.js': { budget: 16 * KiB, ceiling: 32_800, what: 'three core widgets + SDK' },
  'creditkit.js': { budget: 24 * KiB, ceiling: 42_400, what: 'every widget + SDK' },
  'creditkit.classic.js': { budget: 24 * KiB, ceiling: 53_850, what: 'every widget + SDK, classic script' },
};

/** The SDK alone (packages/sdk with its schemas and nanostores), issue #3's budget. */
export const SDK_BUDGET = 9 * KiB;

/** The entry each shipped file is built from (scripts/build-cdn.ts). */
export const ENTRIES = {
  'creditkit-core.js': 'packages/elements/src/cdn-core.ts',
  'creditkit.js': 'packages/elements/src/cdn.ts',
  'creditkit.classic.js': 'packages/elements/src/cdn.ts',
};

const gzip = (code) => gzipSync(code, { level: 9 }).length;
const brotli = (code) => brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/**
 * Bundles an entry exactly as dist/cdn ships (scripts/bundler.mjs: Rolldown, Oxc minifier, `source`
 * condition, production mode) and returns its sizes and per-module contributions. Locales and other
 * dynamic imports become separate chunks: the sizes are those of the entry chunk and what it imports.
 */
export async function bundle(entry) {
  const build = await rolldown({ ...INPUT, input: join(root, entry) });
  try {
    const { output } = await build.generate(OUTPUT);
    const chunks = output.filter((o) => o.type === 'chunk');
    const byName = new Map(chunks.map((c) => [c.fileName, c]));
    // The entry chunk plus the chunks it imports statically (shared code), not the lazy ones.
    const load = [chunks.find((c) => c.isEntry)];
    for (const chunk of load) {
      for (const name of chunk.imports)
        if (byName.has(name) && !load.includes(byName.get(name))) load.push(byName.get(name));
    }
    // Each file is fetched (and compressed) on its own.
    const sizes = load.map((c) => {
      const code = Buffer.from(c.code);
      return { raw: code.length, gzip: gzip(code), brotli: brotli(code) };
    });
    const local = (id) => relative(root, id).replaceAll('\\', '/');
    const inputs = {};
    for (const chunk of load) {
      for (const [id, m] of Object.entries(chunk.modules))
        inputs[local(id)] = (inputs[local(id)] ?? 0) + m.renderedLength;
    }
    // Every module with code in any chunk, lazy ones included: what ships.
    const shipped = new Set();
    for (const chunk of chunks)
      for (const [id, m] of Object.entries(chunk.modules)) if (m.renderedLength > 0) shipped.add(local(id));
    const list = Object.entries(inputs)
      .map(([path, bytes]) => ({ path, bytes }))
      .filter((i) => i.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes);
    const sum = (k) => sizes.reduce((n, x) => n + x[k], 0);
    return {
      raw: sum('raw'),
      gzip: sum('gzip'),
      brotli: sum('brotli'),
      files: load.length,
      inputs: list,
      shipped: [...shipped],
      text: load.map((c) => c.code).join('\n'),
    };
  } finally {
    await build.close();
  }
}

/** `node_modules/zod/v4/core/x.js` → `zod`; a workspace file → its package folder. */
export function owner(path) {
  const m = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  const w = path.match(/^packages\/([^/]+)\/src\/(?:([^/]+)\/)?/);
  if (w) return w[2] && w[1] === 'elements' ? `elements/${w[2]}` : w[1];
  return path;
}

/** The largest contributors, grouped by package (elements by folder), with an estimated gzip share. */
export function contributors(b, top = 15) {
  const groups = {};
  for (const i of b.inputs) groups[owner(i.path)] = (groups[owner(i.path)] ?? 0) + i.bytes;
  const total = b.inputs.reduce((n, i) => n + i.bytes, 0);
  const share = (bytes) => ({ bytes, share: bytes / total, gzipEstimate: Math.round((bytes / total) * b.gzip) });
  return {
    total,
    groups: Object.entries(groups)
      .sort((x, y) => y[1] - x[1])
      .map(([name, bytes]) => ({ name, ...share(bytes) })),
    files: b.inputs.slice(0, top).map((i) => ({ name: i.path, ...share(i.bytes) })),
  };
}

/** What must never ship (DESIGN.md §6): identifiers that only these libraries contain. */
const FORBIDDEN_TEXT = [
  ['msw', /\[MSW\]|mockServiceWorker|MockServiceWorker|@mswjs|node_modules\/msw\//],
  // zod classic registers "ZodString"/"ZodObject" (zod/mini: "ZodMiniString"…) and ships the locales.
  [
    'zod classic',
    /["']Zod(?:String|Object|Number|Array|Union)["']|Too big: expected|Ungültige Eingabe|zod\/v4\/classic/,
  ],
  [
    'React',
    /react\.(?:transitional\.)?element|__SECRET_INTERNALS_DO_NOT_USE|__CLIENT_INTERNALS_DO_NOT_USE|react-dom|node_modules\/react\//,
  ],
];
const FORBIDDEN_PATHS = [
  ['msw', /node_modules\/(?:msw|@mswjs)\//],
  ['zod classic', /node_modules\/zod\/(?:v4\/classic|v4\/locales|v3)\//],
  ['React', /node_modules\/(?:react|react-dom|preact)\//],
];

/** Scans every shipped .js file's text and the module graph of each entry. */
export async function forbidden(bundles) {
  const found = [];
  for (const name of Object.keys(manifest())) {
    const text = readFileSync(join(cdn, name), 'utf8');
    for (const [what, re] of FORBIDDEN_TEXT) {
      const m = text.match(re);
      if (m) found.push(`${what} in ${name} ("${m[0]}")`);
    }
  }
  for (const [entry, b] of Object.entries(bundles)) {
    for (const [what, re] of FORBIDDEN_PATHS) {
      const hit = b.shipped.find((p) => re.test(p));
      if (hit) found.push(`${what} in the module graph of ${entry} (${hit})`);
    }
  }
  return found;
}

/** dist/cdn/manifest.json, checked against the files on disk. */
export function manifest() {
  const path = join(cdn, 'manifest.json');
  if (!existsSync(path)) throw new Error('dist/cdn/manifest.json is missing: run `npm run build:cdn`');
  const m = JSON.parse(readFileSync(path, 'utf8'));
  for (const [name, entry] of Object.entries(m)) {
    const bytes = readFileSync(join(cdn, name)).length;
    if (bytes !== entry.bytes)
      throw new Error(`dist/cdn/${name}: ${bytes} bytes on disk, ${entry.bytes} in manifest.json`);
  }
  return m;
}

/** A dist/cdn file and the files it imports statically (not `import()`), transitively: what a page fetches. */
export function staticClosure(file) {
  const seen = [file];
  for (const name of seen) {
    const text = readFileSync(join(cdn, name), 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
      const target = join(dirname(name), m[1]).replace(/^\.\//, '');
      if (!seen.includes(target)) seen.push(target);
    }
  }
  return seen;
}

// `npm run build` step: the script-tag bundles in dist/cdn, with sizes and SRI hashes in manifest.json.
// Rolldown (Vite's own bundler) with the options in scripts/bundler.mjs, which the benchmark bundles with
// too; not Vite's library mode, which keeps whitespace in ES output.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { type OutputOptions, rolldown } from 'rolldown';
import { INPUT, OUTPUT, root } from './bundler.mjs';

const outdir = join(root, 'dist/cdn');
const elements = join(root, 'packages/elements/src');
const LOCALES = ['es', 'fr', 'de', 'pt-BR'];

async function bundle(entry: string, output: OutputOptions): Promise<void> {
  const build = await rolldown({ ...INPUT, input: join(elements, entry) });
  try {
    const { output: files } = await build.write({ ...OUTPUT, dir: outdir, ...output });
    // A locale is the only thing allowed to load lazily; nothing else may end up in a chunk of its own.
    for (const file of files) {
      if (file.type !== 'chunk' || file.isEntry) continue;
      const locale = basename(file.fileName, '.js');
      if (!LOCALES.includes(locale) || file.imports.length) {
        throw new Error(`${entry}: unexpected chunk ${file.fileName} (only locale chunks, importing nothing)`);
      }
    }
  } finally {
    await build.close();
  }
}

rmSync(outdir, { recursive: true, force: true });
// ES modules, each one self-contained file. A locale's strings are a separate file loaded only when a
// page shows that locale (the `import()`s in i18n/locales.ts), written as dist/cdn/locales/<name>.js next
// to the bundle that loads it; both ES bundles write the same locale files.
for (const [name, entry] of [
  ['creditkit', 'cdn.ts'],
  ['creditkit-core', 'cdn-core.ts'],
] as const) {
  await bundle(entry, { format: 'esm', entryFileNames: `${name}.js`, chunkFileNames: 'locales/[name].js' });
}
// The classic script for sites that cannot load modules: one file, every locale inside; the exports (the
// SDK, the element classes, the event classes) on `window.creditkit`.
await bundle('cdn.ts', {
  format: 'iife',
  name: 'creditkit',
  entryFileNames: 'creditkit.classic.js',
  codeSplitting: false,
});

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });

const manifest: Record<string, { bytes: number; gzip: number; brotli: number; integrity: string }> = {};
for (const path of files(outdir)
  .filter((f) => f.endsWith('.js'))
  .sort()) {
  const bytes = readFileSync(path);
  manifest[relative(outdir, path)] = {
    bytes: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes).length,
    integrity: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
  };
}
writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const [name, m] of Object.entries(manifest)) {
  console.log(`${name.padEnd(36)} ${String(m.bytes).padStart(8)} B  gzip ${String(m.gzip).padStart(6)} B`);
}

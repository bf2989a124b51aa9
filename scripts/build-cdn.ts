// `npm run build` step: the script-tag bundles in dist/cdn, with sizes and SRI hashes in manifest.json.
// esbuild rather than Vite's library mode, which keeps whitespace in ES output.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist/cdn');
const elements = join(root, 'packages/elements/src');

const common: BuildOptions = {
  bundle: true,
  minify: true,
  target: 'es2022',
  platform: 'browser',
  conditions: ['source'],
  define: { 'process.env.NODE_ENV': '"production"' },
  tsconfig: join(root, 'tsconfig.json'),
  legalComments: 'none',
  logLevel: 'warning',
};

rmSync(outdir, { recursive: true, force: true });
const LOCALES = ['es', 'fr', 'de', 'pt-BR'];
// ES modules, each one self-contained file. A locale's strings are a separate file loaded only when a
// page shows that locale: the import in i18n/locales.ts stays a runtime import of ./locales/<name>.js,
// resolved next to the bundle that made it.
const lazyLocales: Plugin = {
  name: 'lazy-locales',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^\\./(${LOCALES.join('|')})\\.js$`) }, (args) =>
      args.importer.endsWith('locales.ts') ? { path: `./locales/${args.path.slice(2)}`, external: true } : undefined,
    );
  },
};
for (const [name, entry] of [
  ['creditkit', 'cdn.ts'],
  ['creditkit-core', 'cdn-core.ts'],
] as const) {
  await build({
    ...common,
    entryPoints: { [name]: join(elements, entry) },
    format: 'esm',
    outdir,
    plugins: [lazyLocales],
  });
}
await build({
  ...common,
  entryPoints: Object.fromEntries(LOCALES.map((l) => [`locales/${l}`, join(elements, `i18n/${l}.ts`)])),
  format: 'esm',
  outdir,
});
// The classic script for sites that cannot load modules: one file, every locale inside.
await build({
  ...common,
  entryPoints: { 'creditkit.classic': join(elements, 'cdn.ts') },
  format: 'iife',
  outdir,
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

// `npm run build` step: the script-tag bundles in dist/cdn, with sizes and SRI hashes in manifest.json.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build, type InlineConfig } from 'vite';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'dist/cdn');
const elements = join(root, 'packages/elements/src');

const shared = (entry: string, fileName: string, format: 'es' | 'iife'): InlineConfig => ({
  configFile: false,
  logLevel: 'warn',
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    outDir,
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    reportCompressedSize: false,
    copyPublicDir: false,
    lib: { entry: join(elements, entry), formats: [format], name: 'creditkit', fileName: () => fileName },
    // ES builds load a locale's strings only when a page shows that locale; the classic script is one file.
    ...(format === 'es' ? { rolldownOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js' } } } : {}),
  },
});

rmSync(outDir, { recursive: true, force: true });
await build(shared('cdn.ts', 'creditkit.js', 'es'));
await build(shared('cdn-core.ts', 'creditkit-core.js', 'es'));
await build(shared('cdn.ts', 'creditkit.classic.js', 'iife'));

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });

const manifest: Record<string, { bytes: number; gzip: number; brotli: number; integrity: string }> = {};
for (const path of files(outDir)
  .filter((f) => f.endsWith('.js'))
  .sort()) {
  const bytes = readFileSync(path);
  manifest[relative(outDir, path)] = {
    bytes: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes).length,
    integrity: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
  };
}
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const [name, m] of Object.entries(manifest)) {
  console.log(`${name.padEnd(36)} ${String(m.bytes).padStart(8)} B  gzip ${String(m.gzip).padStart(6)} B`);
}

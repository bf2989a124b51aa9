// How every shipped browser file is bundled: Rolldown (Vite's own bundler) with the Oxc minifier. Shared by
// scripts/build-cdn.ts (dist/cdn) and scripts/bench/sizes.mjs (the SDK alone, the contributor lists), so
// the benchmark measures exactly what ships.
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** @type {import('rolldown').InputOptions} */
export const INPUT = {
  platform: 'browser',
  resolve: { conditionNames: ['source', 'browser', 'import', 'default'] },
  transform: { target: 'es2022', define: { 'process.env.NODE_ENV': '"production"' } },
  tsconfig: `${root}tsconfig.json`,
  logLevel: 'warn',
};

/** @type {import('rolldown').OutputOptions} */
export const OUTPUT = { format: 'esm', minify: true, comments: { legal: false } };

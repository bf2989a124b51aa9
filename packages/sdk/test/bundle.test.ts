// The SDK validates answers with `@creditkit/contract/browser` (JSON Schema data and a small checker): zod
// and the contract's zod schema modules never reach a browser bundle of it (DESIGN §6, issue 3).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

it('a browser bundle of the SDK holds no zod, and no eval or new Function', async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.deepEqual(
    inputs.filter((path) => /node_modules\/zod\//.test(path)),
    [],
    'zod is not bundled',
  );
  assert.deepEqual(
    inputs
      .filter((path) => path.includes('contract/src/'))
      .map((path) => path.replace(/.*contract\/src\//, ''))
      .sort(),
    ['browser.ts', 'check.ts', 'constants.ts', 'generated/response-schemas.ts', 'schema-builders.ts'],
    'only the contract browser entry is bundled',
  );
  const code = new TextDecoder().decode(result.outputFiles[0]?.contents);
  assert.ok(!/\beval\(|new Function\b/.test(code), 'strict-CSP safe');
});

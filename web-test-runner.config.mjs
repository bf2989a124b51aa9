// Browser tests: every `*.browser.test.ts` under packages/*/test and test/, in real browsers.
// Chromium always; Firefox ESR too when CI is set. See /work/shared/TOOLCHAIN.md for why each knob is here.
import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher, defaultReporter } from '@web/test-runner';
import { CHROMIUM_PATH, CHROMIUM_ARGS as chromiumArgs } from './scripts/chromium.mjs';
import { countsReporter } from './scripts/wtr-counts-reporter.mjs';

const require = createRequire(import.meta.url);

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

const browsers = [chromeLauncher({ launchOptions: { executablePath: CHROMIUM_PATH, args: chromiumArgs } })];

const wantFirefox = Boolean(process.env.CI) || process.env.WTR_FIREFOX === '1';
if (wantFirefox && process.env.WTR_FIREFOX !== '0') {
  if (!existsSync(FIREFOX)) throw new Error(`Firefox requested (CI is set) but ${FIREFOX} does not exist`);
  // Firefox goes through the same launcher, driven by puppeteer-core over WebDriver BiDi.
  browsers.push(
    chromeLauncher({
      puppeteer: await import('puppeteer-core'),
      launchOptions: { browser: 'firefox', executablePath: FIREFOX, headless: true },
    }),
  );
}

// msw's service worker, served at the root so its scope covers the test pages.
const mswWorker = require.resolve('msw/mockServiceWorker.js');

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  // Globs are relative to the current directory, not rootDir: run from the repo root.
  files: ['packages/*/test/**/*.browser.test.ts', 'test/**/*.browser.test.ts', '!**/node_modules/**'],
  rootDir: '.',
  browsers,
  concurrency: 1,
  concurrentBrowsers: 2,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 5 * 60_000,
  testFramework: { config: { timeout: 10_000 } },
  nodeResolve: {
    browser: true,
    // Workspace packages export `source` → src/index.ts; msw needs browser conditions.
    exportConditions: ['source', 'browser', 'development'],
  },
  plugins: [
    // target 'auto' mis-detects recent Chromium; tsconfig carries useDefineForClassFields: false for Lit decorators.
    esbuildPlugin({ ts: true, target: 'esnext', tsconfig: 'tsconfig.json' }),
  ],
  middleware: [
    function mockServiceWorker(ctx, next) {
      if (ctx.path !== '/mockServiceWorker.js') return next();
      ctx.type = 'application/javascript';
      ctx.set('Service-Worker-Allowed', '/');
      ctx.set('Cache-Control', 'no-store');
      ctx.body = createReadStream(mswWorker);
      return undefined;
    },
  ],
  testRunnerHtml: (testFramework) => `<!doctype html>
<html>
  <head><meta charset="utf-8" /></head>
  <body>
    <script>
      // nanostores reads process.env.NODE_ENV; Lit's dev build stays on (its warnings help) minus its banner.
      globalThis.process = globalThis.process || { env: { NODE_ENV: 'development' } };
      globalThis.litIssuedWarnings = new Set(['dev-mode']);
    </script>
    <script type="module" src="${testFramework}"></script>
  </body>
</html>`,
  reporters: [defaultReporter(), countsReporter({ file: process.env.WTR_COUNTS_FILE })],
};

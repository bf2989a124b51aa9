// Shared plumbing of the end-to-end tests: one headless Chromium per file, a fresh context and page per
// test, console errors and page errors collected, axe-core, screenshots, and polling on the widgets.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url).pathname;

/** Where the screenshots go: kept as CI artifacts, and looked at. */
export const SHOTS = join(root, 'test-results', 'e2e');

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
}

/**
 * Runs `body` with a fresh context (own storage, own service worker) and page, then asserts that no
 * console error and no page error happened. A failing body keeps its own error, with the console
 * errors added to its message.
 */
export async function withPage(
  test: { name: string },
  browser: Browser,
  body: (page: Page, session: Session) => Promise<void>,
): Promise<void> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  const watch = (p: Page): void => {
    p.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
    });
    p.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  };
  watch(page);
  // A checkout popup the widget may open is a page of this test too.
  context.on('page', (p) => {
    if (p !== page) watch(p);
  });
  try {
    await body(page, { context, page, errors });
  } catch (error) {
    if (errors.length && error instanceof Error) {
      const note = `\nconsole and page errors:\n${errors.join('\n')}`;
      error.message += note;
      // The reporter prints the stack, which holds the message as it was when the error was made.
      if (error.stack) error.stack += note;
    }
    // What the page looked like when it failed, next to the screenshots of the states.
    const name = `FAILED-${shotPrefix}${test.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
    await shot(page, name).catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
  assert.deepEqual(errors, [], 'no console errors and no page errors');
}

let axeSource: string | undefined;

/** Runs axe-core on the whole document (it walks open shadow roots) and asserts it found nothing. */
export async function checkAxe(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    // Evaluated through the DevTools protocol rather than added as a <script>: a page under a strict
    // CSP (THREATS 19) would block an inline script tag and report it as a violation.
    axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(`${axeSource}\n;void 0`);
  }
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return (
      result.violations as {
        id: string;
        impact: string;
        help: string;
        nodes: { target: unknown[]; failureSummary: string }[];
      }[]
    ).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 12).map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary}`),
    }));
  });
  assert.equal(violations.length, 0, `axe found nothing on ${label}: ${JSON.stringify(violations, null, 2)}`);
}

/** The test file's screenshot prefix (each test file runs in its own process). */
let shotPrefix = '';

/** Removes the screenshots a previous run of one test file left (`prefix`: that file's). */
export function clearShots(prefix: string): void {
  shotPrefix = prefix;
  if (!existsSync(SHOTS)) return;
  for (const name of readdirSync(SHOTS)) {
    if (name.endsWith('.png') && (name.startsWith(prefix) || name.startsWith(`FAILED-${prefix}`))) {
      rmSync(join(SHOTS, name), { force: true });
    }
  }
}

/** A full-page PNG under test-results/e2e/. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // Let transitions (the meter bar, dialogs) settle so the picture shows the state, not the way to it.
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Polls `read` until `done` accepts its value; fails with the last value after `timeout` ms. */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeout = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** A meter's value in millicredits (from `aria-valuenow`, which is in credits). */
export async function meterValue(meter: Locator): Promise<number> {
  const now = await meter.getAttribute('aria-valuenow');
  assert.ok(now !== null, 'the meter has aria-valuenow');
  return Math.round(Number(now) * 1000);
}

/** Waits for a meter to show exactly `millicredits`. */
export function meterReaches(meter: Locator, millicredits: number, what: string): Promise<number> {
  return until(
    () => meterValue(meter),
    (v) => v === millicredits,
    `${what} (meter at ${millicredits / 1000} credits)`,
  );
}

/** Records every `type` event reaching the document, readable with `events()`. */
export async function recordEvents(page: Page, type: string): Promise<() => Promise<Record<string, unknown>[]>> {
  await page.evaluate((t) => {
    // biome-ignore lint/suspicious/noExplicitAny: test bookkeeping on window
    const w = window as any;
    w.__ckEvents ??= {};
    w.__ckEvents[t] = [];
    document.addEventListener(t, (event) => {
      // biome-ignore lint/suspicious/noExplicitAny: the event's own fields
      const e = event as any;
      w.__ckEvents[t].push({
        pool: e.pool ?? null,
        status: e.balance?.status ?? null,
        available: e.balance?.available ?? null,
        plan: e.plan?.id ?? null,
        composed: event.composed,
      });
    });
  }, type);
  return () =>
    page.evaluate(
      // biome-ignore lint/suspicious/noExplicitAny: test bookkeeping on window
      (t) => (window as any).__ckEvents[t] as Record<string, unknown>[],
      type,
    );
}

/** Whether a custom element is registered on the page (a widget still being built may not be). */
export function isDefined(page: Page, tag: string): Promise<boolean> {
  return page.evaluate((t) => customElements.get(t) !== undefined, tag);
}

/** The text under the elements matching `selector`, shadow roots included (innerText stops at them). */
export function deepText(page: Page, selector: string): Promise<string> {
  // A string, not a function: tsx would wrap the inner named function in a helper the page lacks.
  return page.evaluate(`(() => {
    const parts = [];
    const walk = (node) => {
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      if (node instanceof Element) {
        if (node.localName === 'style' || node.localName === 'script') return;
        if (node.shadowRoot) walk(node.shadowRoot);
      }
      for (const child of node.childNodes) walk(child);
    };
    for (const el of document.querySelectorAll(${JSON.stringify(selector)})) walk(el);
    return parts.join(' ').replace(/\\s+/g, ' ').trim();
  })()`);
}

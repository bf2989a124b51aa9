// End-to-end: the widgets embedded the way an agency does it — static pages that load one bundle
// (/cdn/creditkit.js; -core.js or the classic script on their own pages), talking to the simulator's API
// through the agency's session endpoint.
// (THREATS 19: strict CSP + Trusted Types; THREATS 20: hostile host CSS; THREATS 31: one bootstrap.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { checkAxe, clearShots, isDefined, launch, meterValue, shot, until, withPage } from './helpers.js';
import { type E2EServer, startE2EServer } from './server.js';

let server: E2EServer;
let browser: Browser;

before(async () => {
  clearShots('embed-');
  [server, browser] = await Promise.all([startE2EServer(), launch()]);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until a widget shows data: the meter has a value, the buy card lists its packs. */
async function withData(page: Page): Promise<Locator> {
  const meter = page.locator('ck-balance-meter').getByRole('meter');
  await until(
    () => meter.getAttribute('aria-valuenow'),
    (v) => v !== null,
    'the meter to show data',
  );
  await page
    .locator('ck-buy-credits')
    .getByRole('radio', { name: /500 credits/ })
    .waitFor();
  return meter;
}

/** The `src` of every script on the page. */
const scripts = (page: Page): Promise<string[]> =>
  page.evaluate(() => [...document.scripts].map((s) => new URL(s.src, location.href).pathname));

describe('agency embeds (a page loads one dist/cdn bundle and nothing else)', () => {
  test('static page: meter, buy credits and plan picker render with data from one bootstrap request (THREATS 31)', async (t) => {
    await withPage(t, browser, async (page) => {
      const bootstraps: string[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/v1/widget') bootstraps.push(request.method());
      });
      await page.goto(`${server.origin}/pages/static.html`);
      assert.deepEqual(await scripts(page), ['/cdn/creditkit.js'], 'the page loads nothing but the bundle');
      const meter = await withData(page);
      // Sunpeak Solar (running low): 100 included on Starter, 88 minutes at 1 credit/min used.
      assert.equal(await meterValue(meter), 12_000);
      assert.equal(await page.locator('ck-balance-meter').getAttribute('status'), 'low');
      await page.locator('ck-balance-meter').getByText('Running low on credits.').waitFor();
      const buy = page.locator('ck-buy-credits');
      assert.equal(await buy.getByRole('radio').count(), 4, 'three packs and a custom amount');
      await buy.getByText('$110.00').waitFor();

      assert.ok(await isDefined(page, 'ck-plan-picker'), 'ck-plan-picker is registered by /cdn/creditkit.js');
      const picker = page.locator('ck-plan-picker');
      await picker.locator('li[aria-current="true"]').getByRole('heading', { name: 'Starter' }).waitFor();
      assert.equal(await picker.getByRole('heading', { level: 3 }).count(), 3, 'three plans');
      await picker.getByText('$129.00 / month').waitFor();

      assert.deepEqual(bootstraps, ['GET'], 'one bootstrap request for every widget');
      await shot(page, 'embed-01-static');
      await checkAxe(page, 'the static agency page');
    });
  });

  // The other two shipped bundles, each on its own page, loaded the way its users load it.
  for (const { bundle, script, title, all } of [
    { bundle: 'core', script: '/cdn/creditkit-core.js', title: 'core bundle (module)', all: false },
    { bundle: 'classic', script: '/cdn/creditkit.classic.js', title: 'classic script (defer)', all: true },
  ]) {
    test(`${title}: the three core widgets render with data; ${all ? 'every tag' : 'only the core tags'} registered`, async (t) => {
      await withPage(t, browser, async (page) => {
        await page.goto(`${server.origin}/pages/static.html?bundle=${bundle}`);
        assert.deepEqual(await scripts(page), [script]);
        const meter = await withData(page);
        assert.equal(await meterValue(meter), 12_000);
        await page.locator('ck-plan-picker').getByRole('heading', { name: 'Starter' }).waitFor();
        for (const tag of ['ck-usage-estimator', 'ck-usage-history', 'ck-auto-refill']) {
          assert.equal(await isDefined(page, tag), all, `${tag} ${all ? 'is' : 'is not'} registered by ${script}`);
        }
        if (all) {
          // A page without modules reaches the SDK and the element classes through one global.
          const global = await page.evaluate(() => {
            const ck = (window as unknown as { creditkit?: Record<string, unknown> }).creditkit;
            return { createClient: typeof ck?.createClient, CkBalanceMeter: typeof ck?.CkBalanceMeter };
          });
          assert.deepEqual(global, { createClient: 'function', CkBalanceMeter: 'function' });
        }
        await checkAxe(page, title);
      });
    });
  }

  test('THREATS 19: strict CSP + Trusted Types → widgets render with data and zero securitypolicyviolation', async (t) => {
    await withPage(t, browser, async (page) => {
      const response = await page.goto(`${server.origin}/pages/csp.html`);
      const policy = response?.headers()['content-security-policy'] ?? '';
      assert.match(policy, /require-trusted-types-for 'script'/);
      assert.doesNotMatch(policy, /unsafe-(inline|eval)/);
      const meter = await withData(page);
      assert.ok((await meterValue(meter)) > 0);
      // The bar shows its share of the total (set without a style attribute, which this policy blocks).
      const [track, fill] = await Promise.all([
        meter.boundingBox(),
        page.locator('ck-balance-meter').locator('[part=fill]').boundingBox(),
      ]);
      assert.ok(track && fill && fill.width > 0 && fill.width <= track.width, 'the meter bar has a width');

      // Every widget the bundle registers renders with data under the policy.
      const present = await page.evaluate(() =>
        ['ck-plan-picker', 'ck-usage-estimator', 'ck-usage-history', 'ck-auto-refill'].filter((t) =>
          customElements.get(t),
        ),
      );
      if (present.includes('ck-plan-picker')) {
        await page.locator('ck-plan-picker').locator('li[aria-current="true"]').waitFor();
      }
      if (present.includes('ck-usage-estimator')) {
        await page.locator('ck-usage-estimator').getByText('per month').first().waitFor();
      }
      if (present.includes('ck-usage-history')) {
        await page.locator('ck-usage-history').getByRole('row').nth(1).waitFor();
      }
      if (present.includes('ck-auto-refill')) {
        await page.locator('ck-auto-refill').getByRole('heading', { name: 'Auto-refill' }).waitFor();
      }
      // Templates rendered after load too: the confirmation step of a purchase.
      const buy = page.locator('ck-buy-credits');
      await buy.getByRole('radio', { name: /500 credits/ }).check();
      await buy.getByRole('button', { name: 'Review purchase' }).click();
      await buy.getByRole('button', { name: 'Pay $110.00' }).waitFor();
      await page.waitForTimeout(300);

      // biome-ignore lint/suspicious/noExplicitAny: recorded by csp-watch.js
      const violations = await page.evaluate(() => (window as any).__violations as string[]);
      assert.deepEqual(violations, [], 'zero securitypolicyviolation events');
      await shot(page, 'embed-02-csp');
      // axe is evaluated through the DevTools protocol (helpers.ts), not as a script the policy would block.
      await checkAxe(page, 'the strict-CSP page');
      assert.deepEqual(present.sort(), ['ck-auto-refill', 'ck-plan-picker', 'ck-usage-estimator', 'ck-usage-history']);
    });
  });

  test('THREATS 20: hostile global CSS reset → widgets render as designed', async (t) => {
    await withPage(t, browser, async (page) => {
      await page.goto(`${server.origin}/pages/reset.html`);
      const meter = await withData(page);
      assert.ok(await meter.isVisible(), 'role=meter visible despite [role=meter] { display: none }');
      const box = await meter.boundingBox();
      assert.ok(box && box.width > 100 && box.height > 0, `the meter has a box: ${JSON.stringify(box)}`);

      const style = (locator: Locator, ...names: string[]) =>
        locator.evaluate((el, n) => {
          const computed = getComputedStyle(el);
          return Object.fromEntries(n.map((name) => [name, computed.getPropertyValue(name)]));
        }, names);
      for (const tag of ['ck-balance-meter', 'ck-buy-credits']) {
        const card = page.locator(tag).locator('[part=base]');
        assert.ok(await card.isVisible(), `${tag}: the card is visible despite div { display: none }`);
        const css = await style(card, 'font-size', 'font-family', 'color', 'line-height', 'display');
        assert.equal(css['font-size'], '15px', `${tag}: its own font size, not the page's 40px root`);
        assert.doesNotMatch(css['font-family'] ?? '', /comic/i, `${tag}: its own font`);
        assert.notEqual(css.color, 'rgb(255, 0, 0)', `${tag}: its own text color`);
        assert.notEqual(css.display, 'none');
      }
      const amount = page.locator('ck-balance-meter').locator('[part=amount]');
      assert.ok(await amount.isVisible());
      const button = page.locator('ck-buy-credits').getByRole('button', { name: 'Review purchase' });
      const b = await style(button, 'background-color', 'font-size');
      assert.notEqual(b['background-color'], 'rgb(255, 105, 180)', 'the button is not hotpink');
      assert.equal(b['background-color'], 'rgb(11, 110, 79)', "the agency's primary color");
      assert.ok(Number.parseFloat(b['font-size'] ?? '0') < 20, `the button keeps its size: ${b['font-size']}`);
      // The radios are still radios (all: unset would strip their appearance) and still work.
      await page
        .locator('ck-buy-credits')
        .getByRole('radio', { name: /500 credits/ })
        .check();
      const radioBox = await page
        .locator('ck-buy-credits')
        .getByRole('radio', { name: /500 credits/ })
        .boundingBox();
      assert.ok(
        radioBox && radioBox.width > 8 && radioBox.width < 40,
        `a radio-sized radio: ${JSON.stringify(radioBox)}`,
      );
      await shot(page, 'embed-03-hostile-reset');
      await checkAxe(page, 'the hostile-reset page');
    });
  });
});

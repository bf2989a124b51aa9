// End-to-end: the demo agency site (dist/demo) as a client uses it, on the in-browser simulator (the
// e2e server does not answer as the reference server, so the page starts msw and the platform in the
// page: every test gets its own fresh platform with its own page).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  checkAxe,
  clearShots,
  deepText,
  isDefined,
  launch,
  meterReaches,
  meterValue,
  recordEvents,
  shot,
  until,
  withPage,
} from './helpers.js';
import { type E2EServer, startE2EServer } from './server.js';

/** Growth plan rates of the demo catalogue (packages/mock/src/catalog.ts), millicredits per minute. */
const GROWTH_VOICE = { deepgram: 900, cartesia: 1100, elevenlabs: 1400 } as const;
/** What the platform charges for a call: per second, rounded up once per call (packages/platform/src/rules.ts). */
const voiceCost = (seconds: number, ratePerMinute: number): number => Math.ceil((seconds * ratePerMinute) / 60);

let server: E2EServer;
let browser: Browser;

before(async () => {
  clearShots('demo-');
  [server, browser] = await Promise.all([startE2EServer(), launch()]);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
const voiceMeter = (page: Page) => region(page, 'Voice').getByRole('meter');
const buy = (page: Page) => region(page, 'Top up');

/** Opens the dashboard signed in as a scenario's client and waits for the voice meter's data. */
async function dashboard(page: Page, client = 'healthy'): Promise<void> {
  await page.goto(`${server.origin}/?client=${client}`);
  await voiceMeter(page).waitFor();
  await until(
    () => voiceMeter(page).getAttribute('aria-valuenow'),
    (v) => v !== null,
    'the voice meter to show data',
  );
}

/** One simulated call from the panel; resolves with the panel's log line. */
async function call(page: Page, seconds: number, provider: keyof typeof GROWTH_VOICE): Promise<string> {
  const log = page.locator('#sim-log');
  const before = await log.textContent();
  await page.getByLabel('Seconds').fill(String(seconds));
  await page.getByLabel('Voice provider').selectOption(provider);
  await page.getByRole('button', { name: 'Make call' }).click();
  return until(
    async () => (await log.textContent()) ?? '',
    (text) => text !== before && /^(Call|Refused):/.test(text),
    'the panel to report the call',
  );
}

describe('demo site (simulator mode)', () => {
  test('dashboard: every widget shows the client data; axe finds nothing', async (t) => {
    await withPage(t, browser, async (page) => {
      await dashboard(page);
      // Bright Smile Dental (healthy): 400 included on Growth + a 250 welcome bonus, minus six days of calls.
      const voice = await meterValue(voiceMeter(page));
      assert.ok(voice > 500_000 && voice < 650_000, `seeded voice balance, got ${voice}`);
      await assert.doesNotReject(region(page, 'Voice').getByText('minutes of talk time').waitFor());
      // The compact header meter shows the same pool.
      const header = page.locator('.header-meter').getByRole('meter');
      assert.equal(await meterValue(header), voice);
      assert.equal(await region(page, 'SMS').getByRole('meter').getAttribute('aria-label'), 'SMS credits');
      await buy(page)
        .getByRole('radio', { name: /500 credits/ })
        .waitFor();
      // The widgets beyond the core three, each with its data.
      await region(page, 'Your plan')
        .locator('li[aria-current="true"]')
        .getByRole('heading', { name: 'Growth' })
        .waitFor();
      await region(page, 'Estimate').getByText('At Growth rates.').waitFor();
      await region(page, 'History')
        .getByRole('row', { name: /Welcome bonus/ })
        .waitFor();
      await region(page, 'Automatic top-ups').getByRole('heading', { name: 'Auto-refill' }).waitFor();
      await shot(page, 'demo-01-dashboard');
      await checkAxe(page, 'the dashboard');
    });
  });

  test('buy a pack through the test checkout → the meter rises by exactly the pack credits', async (t) => {
    await withPage(t, browser, async (page) => {
      await dashboard(page);
      const completed = await recordEvents(page, 'ck-purchase-complete');
      const start = await meterValue(voiceMeter(page));

      await buy(page)
        .getByRole('radio', { name: /500 credits/ })
        .check();
      await buy(page).getByRole('button', { name: 'Review purchase' }).click();
      const pay = buy(page).getByRole('button', { name: 'Pay $110.00' });
      await pay.waitFor();
      await assert.doesNotReject(buy(page).getByText('500 credits for $110.00').waitFor());
      await shot(page, 'demo-02-buy-confirm');
      await checkAxe(page, 'the purchase confirmation');

      await pay.click();
      const checkout = page.getByRole('dialog', { name: 'Test checkout' });
      await checkout.waitFor();
      assert.equal(await checkout.locator('#checkout-summary').textContent(), '500 credits for $110.00');
      await assert.doesNotReject(buy(page).getByText('Waiting for payment confirmation…').waitFor());
      await shot(page, 'demo-03-test-checkout');
      await checkAxe(page, 'the test checkout dialog');

      await checkout.getByRole('button', { name: 'Pay $110.00' }).click();
      await buy(page).getByText('500 credits added to your balance.').waitFor();
      await meterReaches(voiceMeter(page), start + 500_000, 'the bought pack to be added');
      // The visible amount agrees with the meter (two decimals).
      const amount = await region(page, 'Voice').locator('[part=amount]').textContent();
      assert.match(
        amount ?? '',
        new RegExp(
          ((start + 500_000) / 1000).toLocaleString('en-US', { maximumFractionDigits: 2 }).replace('.', '\\.'),
        ),
      );
      const events = await completed();
      assert.equal(events.length, 1, 'one ck-purchase-complete');
      await shot(page, 'demo-04-buy-done');
      await checkAxe(page, 'the purchase done state');
      // Nothing more arrives later (exactly-once grant).
      await page.waitForTimeout(500);
      assert.equal(await meterValue(voiceMeter(page)), start + 500_000);
    });
  });

  test('simulated calls → the meter falls by ⌈seconds × rate / 60⌉ at the Growth plan rates', async (t) => {
    await withPage(t, browser, async (page) => {
      await dashboard(page);
      let expected = await meterValue(voiceMeter(page));
      // 125 s: 1875 exactly with Deepgram; 2291.67 → 2292 with Cartesia; 61 s ElevenLabs: 1423.33 → 1424.
      for (const [seconds, provider] of [
        [125, 'deepgram'],
        [125, 'cartesia'],
        [61, 'elevenlabs'],
      ] as const) {
        const cost = voiceCost(seconds, GROWTH_VOICE[provider]);
        const log = await call(page, seconds, provider);
        assert.match(
          log,
          new RegExp(`${seconds} of ${seconds} s served with ${provider}, ${cost / 1000} credits charged`),
        );
        expected -= cost;
        await meterReaches(voiceMeter(page), expected, `a ${seconds} s ${provider} call to cost ${cost} millicredits`);
      }
      // The history's ledger lists the last call with its exact charge and the running balance.
      const history = region(page, 'History');
      const row = history.getByRole('row').filter({ hasText: 'Call, ElevenLabs, 1 min 1 sec' }).first();
      await row.waitFor();
      const cells = await row.getByRole('cell').allTextContents();
      assert.ok(
        cells.some((c) => c.trim() === '-1.424'),
        `the ledger row shows -1.424: ${JSON.stringify(cells)}`,
      );
      assert.ok(
        cells.some((c) => c.trim() === (expected / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })),
        `the ledger row shows the balance after the call: ${JSON.stringify(cells)}`,
      );
      await shot(page, 'demo-05-after-calls');
      await checkAxe(page, 'the dashboard after calls');
    });
  });

  test('run out → depleted state and one ck-balance-depleted event', async (t) => {
    await withPage(t, browser, async (page) => {
      // Sunpeak Solar (running low): 12 credits left on Starter.
      await dashboard(page, 'low');
      const depleted = await recordEvents(page, 'ck-balance-depleted');
      await region(page, 'Voice').getByText('Running low on credits.').waitFor();
      await shot(page, 'demo-06-low');
      await checkAxe(page, 'the low state');

      const log = await call(page, 100_000, 'deepgram');
      assert.match(log, /cut off: the credits ran out/);
      await meterReaches(voiceMeter(page), 0, 'the credits to run out');
      await region(page, 'Voice').getByText('Out of credits: your AI has stopped responding.').waitFor();
      assert.equal(await region(page, 'Voice').locator('ck-balance-meter').getAttribute('status'), 'depleted');
      const events = await until(depleted, (e) => e.length > 0, 'ck-balance-depleted on document');
      await page.waitForTimeout(300);
      assert.deepEqual(
        (await depleted()).filter((e) => e.pool === 'voice'),
        [{ pool: 'voice', status: 'depleted', available: 0, plan: null, composed: true }],
        `one voice ck-balance-depleted, got ${JSON.stringify(events)}`,
      );
      await shot(page, 'demo-07-depleted');
      await checkAxe(page, 'the depleted state');
    });
  });

  test('agency wallet empty → paused state; refilled → service resumes', async (t) => {
    await withPage(t, browser, async (page) => {
      await dashboard(page);
      const start = await meterValue(voiceMeter(page));
      await page.getByRole('button', { name: 'Drain agency wallet' }).click();
      await region(page, 'Voice').getByText('Service paused by your provider.').waitFor();
      assert.equal(await region(page, 'Voice').locator('ck-balance-meter').getAttribute('status'), 'paused');
      await buy(page).getByText("Service is paused by your provider. Buying credits won't resume it").waitFor();
      // The client's credits are untouched, and a call is refused without charging anyone (THREATS 16).
      assert.equal(await meterValue(voiceMeter(page)), start);
      assert.equal(await call(page, 60, 'deepgram'), 'Refused: Service paused by your provider.');
      await page.waitForTimeout(300);
      assert.equal(await meterValue(voiceMeter(page)), start);
      await shot(page, 'demo-08-paused');
      await checkAxe(page, 'the paused state');

      await page.getByRole('button', { name: 'Refill agency wallet' }).click();
      await until(
        () => region(page, 'Voice').locator('ck-balance-meter').getAttribute('status'),
        (status) => status === 'ok',
        'the service to resume',
      );
      assert.equal(await meterValue(voiceMeter(page)), start);
    });
  });

  test('external billing client → request path (a request form, no pay button)', async (t) => {
    await withPage(t, browser, async (page) => {
      // Lumen Law: its agency bills outside the platform.
      await dashboard(page, 'external');
      const start = await meterValue(voiceMeter(page));
      const card = buy(page);
      await card.getByRole('heading', { name: 'Request credits' }).waitFor();
      assert.equal(await card.getByRole('button', { name: /^Pay/ }).count(), 0, 'no pay button');
      assert.equal(await card.getByRole('button', { name: 'Review purchase' }).count(), 0, 'no purchase button');
      assert.equal(await card.getByRole('radio').count(), 0, 'no packs for sale');
      await card.getByText('Your provider bills you directly.').waitFor();
      assert.equal(await card.getByRole('link', { name: 'support@brightwave.example' }).count(), 1);
      await shot(page, 'demo-09-external-request');
      await checkAxe(page, 'the external billing request form');

      await card.getByLabel('Number of credits').fill('200');
      await card.getByLabel('Message (optional)').fill('For the spring campaign');
      await card.getByRole('button', { name: 'Send request' }).click();
      await card.getByText('Request sent. Your provider will be in touch.').waitFor();
      // A request is not a purchase: nothing is added until the agency grants it.
      assert.equal(await meterValue(voiceMeter(page)), start);
      await shot(page, 'demo-10-external-sent');
      await checkAxe(page, 'the request sent state');
    });
  });

  test('every client scenario shows its state (screenshots, axe)', async (t) => {
    await withPage(t, browser, async (page) => {
      await dashboard(page);
      const states = [
        ['depleted', 'Harbor Fitness', 'Out of credits: your AI has stopped responding.'],
        ['capped', 'Maple Realty', "You've reached this period's usage cap."],
        ['paused', 'Northside Plumbing', 'Service paused by your provider.'],
      ] as const;
      for (const [scenario, name, banner] of states) {
        await page.getByLabel('Signed-in client').selectOption(scenario);
        await page.locator('#client-name').getByText(name).waitFor();
        await region(page, 'Voice').getByText(banner).waitFor();
        await until(
          () => region(page, 'Voice').locator('ck-balance-meter').getAttribute('status'),
          (status) => status === scenario,
          `the ${scenario} status`,
        );
        await shot(page, `demo-11-scenario-${scenario}`);
        await checkAxe(page, `the ${scenario} client`);
      }
    });
  });

  test('white label: the second brand calls credits "minutes"; axe finds nothing', async (t) => {
    await withPage(t, browser, async (page) => {
      await dashboard(page);
      await page.getByLabel('Agency brand').selectOption('nimbus');
      await region(page, 'Voice').getByRole('meter', { name: 'Voice minutes' }).waitFor();
      await buy(page).getByRole('heading', { name: 'Buy minutes' }).waitFor();
      assert.equal(await page.title(), 'Billing — Nimbus Growth Co.');
      // The agency's color reaches the widgets (from the API's brand, through ck-provider).
      const fill = await buy(page)
        .getByRole('button', { name: 'Review purchase' })
        .evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.equal(fill, 'rgb(75, 63, 191)', 'Nimbus #4b3fbf on the primary button');
      // No platform branding anywhere, and nothing left of the first agency's name (outside the
      // simulator panel, which offers both brands).
      const text = await deepText(page, '.site-header, .grid, footer');
      assert.match(text, /Buy minutes/);
      assert.doesNotMatch(text, /creditkit|Brightwave/i);
      await shot(page, 'demo-12-brand-nimbus');
      await checkAxe(page, 'the second brand');
    });
  });

  test('dark theme: axe finds nothing (contrast included)', async (t) => {
    await withPage(t, browser, async (page) => {
      await dashboard(page);
      await page.getByLabel('Theme').selectOption('dark');
      await until(
        () => page.locator('ck-provider').getAttribute('theme'),
        (theme) => theme === 'dark',
        'the dark theme',
      );
      const surface = await region(page, 'Voice')
        .locator('[part=base]')
        .evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.equal(surface, 'rgb(23, 25, 29)', 'the widgets use the dark palette');
      await shot(page, 'demo-13-dark');
      await checkAxe(page, 'the dark theme');
    });
  });

  test('change plan with the keyboard → the current plan changes', async (t) => {
    await withPage(t, browser, async (page) => {
      await dashboard(page);
      assert.ok(
        await isDefined(page, 'ck-plan-picker'),
        'ck-plan-picker is registered (packages/elements/src/define.ts)',
      );
      const picker = region(page, 'Your plan');
      const current = picker.locator('li[aria-current="true"]');
      await current.getByRole('heading', { name: 'Growth' }).waitFor();
      const changes = await recordEvents(page, 'ck-plan-change');

      await picker.getByRole('button', { name: 'Choose Scale' }).focus();
      await page.keyboard.press('Enter');
      const question = picker.getByRole('group', { name: 'Switch to Scale for $299.00 / month?' });
      await question.waitFor();
      await shot(page, 'demo-14-plan-confirm');
      await checkAxe(page, 'the plan change confirmation');
      // Focus is on the question, so a second Enter does not switch; Tab reaches "Switch plan".
      await page.keyboard.press('Enter');
      await page.waitForTimeout(200);
      assert.equal(await question.count(), 1, 'Enter on the question does not switch');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');

      await picker.getByText("You're now on Scale.").waitFor();
      await current.getByRole('heading', { name: 'Scale' }).waitFor();
      assert.equal(await picker.locator('li[aria-current="true"]').count(), 1);
      assert.equal(
        await picker.getByRole('button', { name: 'Choose Growth' }).count(),
        1,
        'Growth can be chosen again',
      );
      assert.deepEqual(
        (await changes()).map((e) => e.plan),
        ['plan_scale'],
      );
      await shot(page, 'demo-15-plan-changed');
      await checkAxe(page, 'the plan changed state');
    });
  });

  test('change plan by click, and Escape cancels a confirmation', async (t) => {
    await withPage(t, browser, async (page) => {
      await dashboard(page);
      assert.ok(
        await isDefined(page, 'ck-plan-picker'),
        'ck-plan-picker is registered (packages/elements/src/define.ts)',
      );
      const picker = region(page, 'Your plan');
      await picker.locator('li[aria-current="true"]').getByRole('heading', { name: 'Growth' }).waitFor();

      await picker.getByRole('button', { name: 'Choose Scale' }).click();
      await picker.getByRole('group', { name: /Switch to Scale/ }).waitFor();
      await page.keyboard.press('Escape');
      await until(
        () => picker.getByRole('group', { name: /Switch to Scale/ }).count(),
        (n) => n === 0,
        'Escape to close the confirmation',
      );
      const focused = await picker
        .getByRole('button', { name: 'Choose Scale' })
        .evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el);
      assert.ok(focused, 'focus returns to "Choose Scale"');

      await picker.getByRole('button', { name: 'Choose Starter' }).click();
      await picker.getByRole('button', { name: 'Switch plan' }).click();
      await picker.getByText("You're now on Starter.").waitFor();
      await picker.locator('li[aria-current="true"]').getByRole('heading', { name: 'Starter' }).waitFor();
    });
  });

  test('the estimator gives the documented result for 100 calls × 2 min with Deepgram', async (t) => {
    await withPage(t, browser, async (page) => {
      await dashboard(page);
      assert.ok(
        await isDefined(page, 'ck-usage-estimator'),
        'ck-usage-estimator is registered (packages/elements/src/define.ts)',
      );
      const estimator = region(page, 'Estimate');
      await estimator.getByLabel('Calls per month').fill('100');
      await estimator.getByLabel('Average minutes per call').fill('2');
      await estimator.getByLabel('Voice', { exact: true }).selectOption('deepgram');
      await estimator.getByLabel('SMS per month').fill('0');
      await estimator.getByLabel('SMS per month').press('Tab');

      // The documented rule (usage-estimator.ts): each call of minutes × 60 s costs ⌈s × rate / 60⌉
      // millicredits, times the calls. At this client's Growth rate (Deepgram 900/min):
      const need = 100 * voiceCost(120, GROWTH_VOICE.deepgram); // 100 × 1800 = 180 000 = 180 credits
      assert.equal(need, 180_000);
      const result = estimator.locator('[part=result]');
      await result.getByText('180 per month').waitFor();
      await result.getByText('At Growth rates.').waitFor();
      // Best fit = lowest monthly total: Starter $49 + one 100-credit pack $25 (at Starter's 1000/min it
      // needs 200, includes 100) = $74, against Growth $129 (fits) and Scale $299.
      await result.getByText('Best fit: Starter').waitFor();
      await result.getByText('About $74.00 per month').waitFor();
      await result.getByText('Includes buying 1 × 100 credits each month.').waitFor();
      // Days the current credits last: ⌊available × 30 / need⌋.
      const days = Math.floor(((await meterValue(voiceMeter(page))) * 30) / need);
      await result.getByText(`Your current Voice credits last ≈ ${days} days`).waitFor();
      await shot(page, 'demo-16-estimate');
      await checkAxe(page, 'the estimator result');

      // Invalid input is reported next to the field, never as NaN.
      await estimator.getByLabel('Calls per month').fill('-3');
      await estimator.getByText('Enter 0 or more.').waitFor();
      assert.equal(await estimator.getByLabel('Calls per month').getAttribute('aria-invalid'), 'true');
      assert.doesNotMatch((await result.textContent()) ?? '', /NaN/);
      await checkAxe(page, 'the estimator with an invalid field');
    });
  });

  test('the embed guide page: axe finds nothing', async (t) => {
    await withPage(t, browser, async (page) => {
      await page.goto(`${server.origin}/embed.html`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByText('ck-provider', { exact: false }).first().waitFor();
      await shot(page, 'demo-17-embed-guide');
      await checkAxe(page, 'the embed guide');
    });
  });
});

import type { LedgerEntry } from '@creditkit/contract';
import { type CreditkitClient, createClient, formatCredits, formatNumber } from '@creditkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { http } from 'msw';
import { CkProvider } from '../src/provider/provider.js';
import { define } from '../src/shared/define.js';
import { CkUsageHistory } from '../src/usage-history/usage-history.js';
import { byRole, getByRole, nameOf, norm, shadow, simulatorPerTest } from './queries.js';

define('ck-provider', CkProvider);
define('ck-usage-history', CkUsageHistory);

const LOCALE = 'en-US';

const visible = (el: Element | null): boolean => Boolean(el && (el as HTMLElement).checkVisibility());

/** The ledger table's body rows as cell texts: [date, description, change, balance]. */
function ledgerRows(el: CkUsageHistory): string[][] {
  const table = byRole(el, 'table', /^Activity/);
  if (!table) return [];
  return [...table.querySelectorAll('tbody tr')].map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => norm(td.textContent)),
  );
}

const expectedChange = (e: LedgerEntry): string =>
  formatNumber((e.delta.included + e.delta.purchased) / 1000, LOCALE, {
    maximumFractionDigits: 3,
    signDisplay: 'exceptZero',
  });
const parse = (text: string): number => Math.round(Number(text.replace(/,/g, '').replace('\u2212', '-')) * 1000);

describe('ck-usage-history', () => {
  // A fresh platform per test (live clock: the simulator seeds six days of calls for 'healthy').
  const mock = simulatorPerTest();
  const { clients, connect } = mock;

  async function mount(client: CreditkitClient, pool = 'voice'): Promise<CkUsageHistory> {
    const el = await fixture(
      html`<ck-provider .client=${client}><ck-usage-history pool=${pool}></ck-usage-history></ck-provider>`,
    );
    return el.querySelector('ck-usage-history') as CkUsageHistory;
  }

  const ready = (el: CkUsageHistory) =>
    waitUntil(() => byRole(el, 'table', /^Activity/), 'ledger rendered', { timeout: 8000 });

  it('draws usage per day by provider as an SVG image with a summary, a legend and the same data as a table', async () => {
    const client = connect();
    const el = await mount(client);
    await ready(el);
    const chart = byRole(el, 'img');
    expect(chart?.tagName.toLowerCase()).to.equal('svg');
    expect(nameOf(chart as Element)).to.match(/^Usage over the last 30 days: [\d.,]+ credits in total, most on /);
    // Strict CSP: nothing styled inline; colors come from classes.
    expect(shadow(el).querySelector('[style]')).to.equal(null);
    const bars = getByRole(el, 'img').querySelectorAll('rect');
    expect(bars.length).to.be.greaterThan(6);
    for (const bar of bars) expect(bar.getAttribute('class')).to.match(/^s[1-6]$/);
    // Each provider gets its own color from the stylesheet (an unstyled rect would be black).
    const fills = new Set([...bars].map((bar) => getComputedStyle(bar).fill));
    expect(fills.size).to.equal(3);
    expect(fills.has('rgb(0, 0, 0)')).to.equal(false);

    const legend = getByRole(el, 'list', 'Legend');
    expect([...legend.querySelectorAll('li')].map((li) => norm(li.textContent))).to.deep.equal([
      'Deepgram',
      'Cartesia',
      'ElevenLabs',
    ]);

    const toggle = getByRole(el, 'button', 'Show as table');
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    const table = getByRole(el, 'table', /^Usage per day/);
    expect(visible(table)).to.equal(false);
    await expect(el).shadowDom.to.be.accessible();

    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => visible(table), 'table shown');
    expect(byRole(el, 'button', 'Hide table')?.getAttribute('aria-expanded')).to.equal('true');
    const headers = [...table.querySelectorAll('thead th')].map((th) => norm(th.textContent));
    expect(headers).to.deep.equal(['Date', 'Deepgram', 'Cartesia', 'ElevenLabs', 'Total']);
    expect(table.querySelectorAll('thead th[scope=col]').length).to.equal(5);

    // The table carries exactly the numbers the API reports, one row per day.
    const now = client.serverNow();
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const series = await client.usage({ pool: 'voice', from: day(now - 29 * 86_400_000), to: day(now) });
    const rows = [...table.querySelectorAll('tbody tr')];
    expect(rows.length).to.equal(30);
    const totals = rows.map((tr) => norm(tr.querySelector('td:last-child')?.textContent));
    expect(totals).to.deep.equal(series.buckets.map((b) => formatCredits(b.credits, LOCALE)));
    expect(series.buckets.filter((b) => b.credits > 0).length).to.be.greaterThanOrEqual(6);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('shows SMS usage by destination country', async () => {
    const el = await mount(connect(), 'sms');
    await ready(el);
    const legend = getByRole(el, 'list', 'Legend');
    expect([...legend.querySelectorAll('li')].map((li) => norm(li.textContent)).sort()).to.deep.equal([
      'Canada',
      'United States',
    ]);
    expect(ledgerRows(el)[0]?.[1]).to.match(/^\d+ SMS to (Canada|United States)$/);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('lists the ledger newest first with the running balance from client.ledger()', async () => {
    const client = connect();
    const el = await mount(client);
    await ready(el);
    const table = getByRole(el, 'table', /^Activity/);
    expect(nameOf(table)).to.equal('Activity: Voice credits, newest first, with the balance after each change');
    expect([...table.querySelectorAll('thead th[scope=col]')].map((th) => norm(th.textContent))).to.deep.equal([
      'Date',
      'Description',
      'Change',
      'Balance',
    ]);

    const page = await client.ledger({ pool: 'voice', limit: 20 });
    const rows = ledgerRows(el);
    expect(rows.length).to.equal(page.entries.length);
    page.entries.forEach((entry, i) => {
      expect(rows[i]?.[2], `change of row ${i}`).to.equal(expectedChange(entry));
      expect(rows[i]?.[3], `balance of row ${i}`).to.equal(formatCredits(entry.balanceAfter.available, LOCALE, 3));
    });
    // Each balance is the one below it plus its change.
    for (let i = 0; i + 1 < rows.length; i++) {
      const [, , change = '', balance = ''] = rows[i] ?? [];
      expect(parse(balance) - parse(change), `row ${i}`).to.equal(parse(rows[i + 1]?.[3] ?? ''));
    }
    expect(rows[0]?.[1]).to.equal('Welcome bonus'); // the agency's note on its grant
    expect(rows.some((r) => /^Call, (Deepgram|Cartesia|ElevenLabs), \d+ min/.test(r[1] ?? ''))).to.equal(true);
    expect(rows.at(-1)?.[1]).to.equal('Included credits from your plan');
    expect(rows.at(-1)?.[2]).to.match(/^\+/);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('pages the ledger with "Show more" until the last page', async () => {
    for (let i = 0; i < 15; i++) await mock.sim.controls.call('healthy', 20 + i, 'cartesia');
    const client = connect();
    const el = await mount(client);
    await ready(el);
    expect(ledgerRows(el).length).to.equal(20);
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await client.ledger({ pool: 'voice', limit: 20, ...(cursor ? { cursor } : {}) });
      all.push(...page.entries);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all.length).to.be.greaterThan(20).and.at.most(40);

    getByRole(el, 'button', 'Show more').click();
    await waitUntil(() => ledgerRows(el).length === all.length, 'second page appended');
    expect(ledgerRows(el).map((r) => r[3])).to.deep.equal(
      all.map((e) => formatCredits(e.balanceAfter.available, LOCALE, 3)),
    );
    expect(byRole(el, 'button', 'Show more'), 'no more pages').to.equal(null);
    await expect(el).shadowDom.to.be.accessible();

    // A refresh brings the new entry in on top and keeps the older pages already loaded.
    await mock.sim.controls.call('healthy', 42, 'deepgram');
    await waitUntil(() => ledgerRows(el).length === all.length + 1, 'new entry on top', { timeout: 8000 });
    expect(ledgerRows(el)[0]?.[1]).to.equal('Call, Deepgram, 42 sec');
    expect(ledgerRows(el).at(-1)?.[1]).to.equal('Included credits from your plan');
  });

  it('exports the loaded rows as CSV, quoting and defusing formulas (CSV injection)', async () => {
    const grant = (note: string) =>
      mock.sim.engine.manualGrant('ag_brightwave', 'sa_healthy', { pool: 'voice', credits: 1000, note });
    await grant('=HYPERLINK("http://x")');
    await grant('Promo, "spring"\nthanks');
    await grant('@SUM(A1:A2)');
    const client = connect();
    const el = await mount(client);
    await ready(el);
    // Agency text is shown as text, never run.
    expect(ledgerRows(el)[2]?.[1]).to.equal('=HYPERLINK("http://x")');

    const blobs: Blob[] = [];
    const clicks: { href: string; download: string }[] = [];
    const revoked: string[] = [];
    const original = {
      create: URL.createObjectURL,
      revoke: URL.revokeObjectURL,
      click: HTMLAnchorElement.prototype.click,
    };
    URL.createObjectURL = (blob: Blob) => {
      blobs.push(blob);
      return `blob:${location.origin}/csv-${blobs.length}`;
    };
    URL.revokeObjectURL = (url: string) => {
      revoked.push(url);
    };
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicks.push({ href: this.href, download: this.download });
    };
    const shown = ledgerRows(el).length;
    expect(shown).to.be.within(15, 20); // every seeded entry fits the first page
    try {
      const button = getByRole(el, 'button', 'Export CSV');
      const hint = shadow(el).getElementById(button.getAttribute('aria-describedby') ?? '');
      expect(norm(hint?.textContent)).to.equal(`Includes the ${shown} rows shown.`);
      button.click();
      await waitUntil(() => revoked.length === 1, 'object URL revoked', { timeout: 3000 });
    } finally {
      URL.createObjectURL = original.create;
      URL.revokeObjectURL = original.revoke;
      HTMLAnchorElement.prototype.click = original.click;
    }
    const [blob, ...otherBlobs] = blobs;
    const [click, ...otherClicks] = clicks;
    if (!blob || !click) throw new Error('nothing downloaded');
    expect(otherBlobs.length + otherClicks.length).to.equal(0);
    expect(blob.type).to.equal('text/csv;charset=utf-8');
    expect(click.href).to.equal(`blob:${location.origin}/csv-1`);
    expect(click.download).to.match(/^usage-voice-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(revoked).to.deep.equal([click.href]);

    const text = (await blob.text()).replace(/^\uFEFF/, '');
    expect(text.endsWith('\r\n')).to.equal(true);
    const page = await client.ledger({ pool: 'voice', limit: 20 });
    const [a, b, c] = page.entries;
    if (!a || !b || !c) throw new Error('grants missing');
    const lines = text.split('\r\n');
    expect(lines[0]).to.equal('Date,Description,Change,Balance');
    expect(lines[1]).to.equal(`${a.createdAt},'@SUM(A1:A2),1,${a.balanceAfter.available / 1000}`);
    // Quotes doubled, the comma and the line break kept inside one quoted cell.
    expect(text).to.contain(`${b.createdAt},"Promo, ""spring""\nthanks",1,${b.balanceAfter.available / 1000}\r\n`);
    expect(text).to.contain(`${c.createdAt},"'=HYPERLINK(""http://x"")",1,${c.balanceAfter.available / 1000}\r\n`);
    // Negative amounts stay numbers; only text that would run as a formula is prefixed.
    const usage = page.entries.find((e) => e.kind === 'usage');
    if (!usage) throw new Error('no usage entry');
    const change = (usage.delta.included + usage.delta.purchased) / 1000;
    expect(change).to.be.lessThan(0);
    expect(text).to.contain(`${usage.createdAt},"Call, `);
    expect(text).to.match(new RegExp(`,${String(change).replace('.', '\\.')},[\\d.]+\\r\\n`));
    // The header, one line per row on screen (the note's line break stays inside its quoted cell), the final CRLF.
    expect(text.split('\r\n').length).to.equal(1 + shown + 1);
  });

  it('refreshes after a balance event: a new call appears at the top', async () => {
    const client = connect();
    const el = await mount(client);
    await ready(el);
    const before = ledgerRows(el).length;
    const totalBefore = nameOf(getByRole(el, 'img'));
    await mock.sim.controls.call('healthy', 60, 'elevenlabs');
    await waitUntil(() => ledgerRows(el)[0]?.[1] === 'Call, ElevenLabs, 1 min', 'new call listed', { timeout: 8000 });
    const balance = client.$balances.voice.get();
    expect(ledgerRows(el)[0]?.[3]).to.equal(formatCredits(balance?.available ?? Number.NaN, LOCALE, 3));
    expect(ledgerRows(el).length).to.equal(Math.min(before + 1, 21));
    expect(nameOf(getByRole(el, 'img'))).not.to.equal(totalBefore);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('says so when there is no usage yet', async () => {
    const el = await mount(connect('external'));
    await ready(el);
    expect(byRole(el, 'img')).to.equal(null);
    expect(norm(shadow(el).textContent)).to.contain('No usage in the last 30 days.');
    expect(ledgerRows(el).length).to.be.greaterThan(0); // the plan's included credits and the agency's grant
    await expect(el).shadowDom.to.be.accessible();
  });

  it('shows a loading skeleton in the same card until the data arrives', async () => {
    // Hold the usage request until the skeleton has been checked (a never-answered request would
    // keep the service worker busy past the test).
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const s = mock.sim;
    mock.worker.use(
      http.get(`${mock.api}/v1/usage`, async ({ request }) => {
        await gate;
        return s.fetch(request);
      }),
    );
    try {
      const el = await mount(connect());
      await waitUntil(() => el.shadowRoot?.querySelector('[aria-busy=true]'), 'skeleton');
      expect(byRole(el, 'img')).to.equal(null);
      expect(norm(shadow(el).querySelector('h2')?.textContent)).to.equal('Usage history');
      await expect(el).shadowDom.to.be.accessible();
      release();
      await ready(el);
      expect(shadow(el).querySelector('[aria-busy=true]')).to.equal(null);
    } finally {
      release();
    }
  });

  it('shows a localized error with a retry when the ledger fails (THREATS 27), and recovers', async () => {
    // 1 try + 3 retries of the GET.
    mock.sim.chaos.script = [{ path: '/v1/ledger', kind: 503, times: 4 }];
    const el = await mount(connect());
    const errors: Event[] = [];
    el.addEventListener('ck-error', (e) => errors.push(e));
    await waitUntil(() => byRole(el, 'alert'), 'error shown', { timeout: 8000 });
    expect(norm(getByRole(el, 'alert').textContent)).to.contain('The server had a problem. Please try again.');
    expect(errors.length).to.equal(1);
    await expect(el).shadowDom.to.be.accessible();
    getByRole(el, 'button', 'Try again').click();
    await ready(el);
    expect(byRole(el, 'alert')).to.equal(null);
    expect(byRole(el, 'img')).not.to.equal(null);
  });

  it('keeps the history on screen, marked stale, when a refresh fails (THREATS 26)', async () => {
    const el = await mount(connect('healthy', { retries: 0 }));
    await ready(el);
    const rows = ledgerRows(el).length;
    mock.sim.chaos.script = [{ path: '/v1/usage', kind: 503 }];
    await mock.sim.controls.call('healthy', 30);
    await waitUntil(() => norm(shadow(el).textContent).includes("We couldn't update the history."), 'stale', {
      timeout: 8000,
    });
    expect(ledgerRows(el).length).to.equal(rows);
    expect(byRole(el, 'img')).not.to.equal(null);
    await expect(el).shadowDom.to.be.accessible();
    // Its retry brings the missed call in.
    getByRole(el, 'button', 'Try again').click();
    await waitUntil(() => ledgerRows(el).length === rows + 1, 'caught up', { timeout: 8000 });
    expect(norm(shadow(el).textContent)).not.to.contain("We couldn't update the history.");
  });

  it('says it cannot sign in when the session endpoint refuses (THREATS 3)', async () => {
    const client = createClient({
      apiBase: mock.api,
      fetchSessionToken: () => Promise.reject(Object.assign(new Error('refused'), { status: 401 })),
    });
    clients.push(client);
    const el = await mount(client);
    await waitUntil(() => byRole(el, 'alert'), 'signed-out state', { timeout: 8000 });
    expect(norm(getByRole(el, 'alert').textContent)).to.contain("We can't sign you in right now.");
    expect(byRole(el, 'button', 'Try again')).not.to.equal(null);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('says it is not set up when the provider is misconfigured (THREATS 2)', async () => {
    const error = console.error;
    console.error = () => {};
    try {
      const el = await fixture(
        html`<ck-provider api-base="ftp://nope" session-endpoint="/session"><ck-usage-history></ck-usage-history></ck-provider>`,
      );
      const history = el.querySelector('ck-usage-history') as CkUsageHistory;
      await waitUntil(() => byRole(history, 'alert'), 'unconfigured');
      expect(norm(getByRole(history, 'alert').textContent)).to.equal('This widget is not set up correctly.');
      await expect(history).shadowDom.to.be.accessible();
    } finally {
      console.error = error;
    }
  });
});

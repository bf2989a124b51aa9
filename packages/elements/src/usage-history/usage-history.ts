import type { LedgerEntry, Pool, UsageBucket, UsageSeries } from '@creditkit/contract';
import { type CreditkitClient, CreditkitError, formatCredits, formatDate, formatNumber } from '@creditkit/sdk';
import { html, nothing, type PropertyValues, svg } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CkElement } from '../shared/element.js';
import { CkErrorEvent } from '../shared/events.js';
import { countryName, PROVIDER_NAMES } from '../shared/names.js';
import { StoresController } from '../shared/stores.js';
import { safeText } from '../theme/brand.js';
import { styles } from './usage-history.styles.js';

const DAY_MS = 86_400_000;
const PAGE = 20;
/**
 * Balance events come in bursts (a call, then its status change): the first event of a burst schedules
 * one refetch this much later, and later events ride along, so a steady stream cannot starve it.
 */
const REFRESH_DELAY_MS = 400;
/** Long enough for every browser to have started reading the Blob. */
const REVOKE_MS = 1000;
const SERIES = 6;
const PROVIDERS = ['deepgram', 'cartesia', 'elevenlabs'];

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const change = (e: LedgerEntry): number => e.delta.included + e.delta.purchased;

/** Millicredits as a plain decimal for machines (`-2985` → `-2.985`): integer math, no float noise. */
export function plainCredits(millicredits: number): string {
  const sign = millicredits < 0 ? '-' : '';
  const abs = Math.abs(millicredits);
  const fraction = String(abs % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${sign}${Math.floor(abs / 1000)}${fraction ? `.${fraction}` : ''}`;
}

const NUMBER = /^-?\d+(?:\.\d+)?$/;
// A spreadsheet runs a cell starting with one of these as a formula (leading blanks are skipped).
const FORMULA = /^[\s]*[=+\-@]|^[\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break. Text a spreadsheet would
 * run as a formula gets a leading apostrophe (CSV injection); plain numbers we wrote ourselves, like
 * `-2.985`, are left as numbers.
 */
export function csvCell(value: string): string {
  const cell = FORMULA.test(value) && !NUMBER.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

export const toCsv = (rows: readonly (readonly string[])[]): string =>
  `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;

/**
 * The client's usage per day as a stacked bar chart (by voice provider, or by SMS destination), the
 * ledger with the running balance, and a CSV export of the ledger rows loaded on screen.
 *
 * The chart is an inline SVG (no inline styles: strict-CSP safe) with a text summary as its accessible
 * name and the same numbers as a table behind "Show as table". The view refreshes itself when the
 * balance changes. The CSV export contains the ledger rows loaded so far (press "Show more" to include
 * older ones); dates are ISO 8601 and amounts plain decimal credits, so spreadsheets read them as data.
 *
 * @tag ck-usage-history
 * @attr pool - `voice` (default) or `sms`.
 * @attr days - How many days the chart covers, ending today (default 30, at most 366).
 * @csspart base - The card.
 * @csspart chart - The chart area (the SVG and its axis labels).
 * @csspart legend - The chart legend.
 * @csspart table - The ledger table.
 * @csspart more - The "Show more" button.
 * @csspart export - The "Export CSV" button.
 * @csspart error - The error state.
 * @event ck-error - Loading the history failed (`error`, a `CreditkitError` with a stable `code`).
 * @cssproperty --ck-chart-height - Height of the chart (default 160px).
 * @cssproperty --ck-chart-1 - Color of the first series (default: the primary color); `--ck-chart-2` … `--ck-chart-6` the next ones.
 * @cssproperty --ck-chart-grid - Color of the chart's grid lines.
 * @cssproperty --ck-history-positive - Color of credits added in the ledger (default: the success color).
 */
export class CkUsageHistory extends CkElement {
  static override styles = [...CkElement.styles, styles];

  /** Which pool to show. */
  @property({ reflect: true }) pool: Pool = 'voice';

  /** Days of usage in the chart, ending today (server time). */
  @property({ type: Number, reflect: true }) days = 30;

  @state() private usage: UsageSeries | null = null;
  @state() private entries: LedgerEntry[] = [];
  @state() private cursor: string | null = null;
  @state() private loading = true;
  @state() private failure: CreditkitError | null = null;
  @state() private moreLoading = false;
  @state() private moreFailure: CreditkitError | null = null;
  /** A background refresh failed: the data shown may be behind. */
  @state() private behind = false;
  @state() private showTable = false;

  readonly #live = new StoresController(
    this,
    () => this.client,
    (c) => ({ seq: c.$seq }),
  );

  #key: readonly unknown[] = [];
  #loadAbort: AbortController | null = null;
  #refreshAbort: AbortController | null = null;
  #moreAbort: AbortController | null = null;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** The account seq the data on screen reflects. */
  #seenSeq = -1;

  override connectedCallback(): void {
    super.connectedCallback();
    this.requestUpdate(); // moved in the page: load again
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
    this.#key = [];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.pool !== 'voice' && this.pool !== 'sms') this.pool = 'voice';
    if (!Number.isInteger(this.days) || this.days < 1 || this.days > 366) this.days = 30;
    // A disconnected element still updates when a store it held changes: it must not start work.
    if (!this.isConnected) return;
    const client = this.client;
    const key = [client, this.pool, this.days];
    if (!key.every((v, i) => Object.is(v, this.#key[i]))) {
      this.#key = key;
      this.#stop();
      if (client) this.#start(client);
      else this.loading = true;
    }
    const seq = this.#live.values.seq ?? -1;
    if (!this.loading && !this.failure && seq > this.#seenSeq) {
      this.#seenSeq = seq;
      this.#refreshTimer ??= setTimeout(this.#refresh, REFRESH_DELAY_MS);
    }
  }

  #stop(): void {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
    for (const controller of [this.#loadAbort, this.#refreshAbort, this.#moreAbort]) controller?.abort();
    this.#loadAbort = this.#refreshAbort = this.#moreAbort = null;
  }

  /** Usage for the chart's days and the first ledger page, by the server's clock. */
  async #fetch(client: CreditkitClient, signal: AbortSignal) {
    await client.load();
    const now = client.serverNow();
    const seq = client.$seq.get();
    const [usage, page] = await Promise.all([
      client.usage({ pool: this.pool, from: isoDay(now - (this.days - 1) * DAY_MS), to: isoDay(now) }, { signal }),
      client.ledger({ pool: this.pool, limit: PAGE }, { signal }),
    ]);
    return { usage, page, seq };
  }

  #start(client: CreditkitClient): void {
    const abort = (this.#loadAbort = new AbortController());
    this.loading = true;
    this.failure = null;
    this.usage = null;
    this.entries = [];
    this.cursor = null;
    this.moreLoading = false;
    this.moreFailure = null;
    this.behind = false;
    this.#fetch(client, abort.signal).then(
      ({ usage, page, seq }) => {
        if (abort.signal.aborted) return;
        this.usage = usage;
        this.entries = page.entries;
        this.cursor = page.nextCursor;
        this.#seenSeq = seq;
        this.loading = false;
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        abort.abort(); // the other request is no longer wanted
        this.failure = this.#report(error);
        this.loading = false;
      },
    );
  }

  /** Tells the host page (`ck-error`), unless the client already reported this failure through the provider. */
  #report(error: unknown): CreditkitError {
    const e = error instanceof CreditkitError ? error : new CreditkitError('protocol', String(error));
    if (e !== this.client?.$error.get()) this.dispatchEvent(new CkErrorEvent(e));
    return e;
  }

  #retry = (): void => {
    const client = this.client;
    this.#stop();
    if (client) this.#start(client);
  };

  /** Re-reads the chart and the first ledger page; older pages already loaded are kept. */
  #refresh = (): void => {
    this.#refreshTimer = undefined;
    const client = this.client;
    if (!client) return;
    this.#refreshAbort?.abort();
    const abort = (this.#refreshAbort = new AbortController());
    this.#fetch(client, abort.signal).then(
      ({ usage, page }) => {
        if (abort.signal.aborted) return;
        this.usage = usage;
        this.behind = false;
        const newest = this.entries[0]?.seq ?? -1;
        const fresh = page.entries.filter((e) => e.seq > newest);
        // More new entries than a page holds: the loaded pages no longer join up, start from this one.
        if (fresh.length === page.entries.length && page.nextCursor !== null) {
          this.#moreAbort?.abort();
          this.moreLoading = false;
          this.moreFailure = null;
          this.entries = page.entries;
          this.cursor = page.nextCursor;
        } else if (fresh.length) {
          this.entries = [...fresh, ...this.entries];
        }
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        abort.abort();
        this.#report(error);
        this.behind = true;
      },
    );
  };

  #more = (): void => {
    const client = this.client;
    const cursor = this.cursor;
    if (!client || cursor === null || this.moreLoading) return;
    const abort = (this.#moreAbort = new AbortController());
    this.moreLoading = true;
    this.moreFailure = null;
    client.ledger({ pool: this.pool, cursor, limit: PAGE }, { signal: abort.signal }).then(
      (page) => {
        if (abort.signal.aborted) return;
        const known = new Set(this.entries.map((e) => e.id));
        this.entries = [...this.entries, ...page.entries.filter((e) => !known.has(e.id))];
        this.cursor = page.nextCursor;
        this.moreLoading = false;
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        this.moreFailure = this.#report(error);
        this.moreLoading = false;
      },
    );
  };

  // ---- text

  #credits(millicredits: number): string {
    return formatCredits(millicredits, this.resolvedLocale);
  }

  #keyName(key: string): string {
    return this.pool === 'voice' ? (PROVIDER_NAMES[key] ?? key) : countryName(key, this.resolvedLocale);
  }

  #day(day: string, options: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' }): string {
    return formatDate(`${day}T00:00:00Z`, this.resolvedLocale, { ...options, timeZone: 'UTC' });
  }

  #duration(seconds: number): string {
    const locale = this.resolvedLocale;
    const unit = (n: number, u: 'minute' | 'second') =>
      formatNumber(n, locale, { style: 'unit', unit: u, unitDisplay: 'short' });
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    return m && s ? `${unit(m, 'minute')} ${unit(s, 'second')}` : m ? unit(m, 'minute') : unit(s, 'second');
  }

  /** Localized by kind; a manual grant shows the agency's note (agency text: THREATS 21). */
  #describe(e: LedgerEntry, max = 120): string {
    if (e.usage?.kind === 'voice') {
      return this.t('history.call', {
        provider: this.#keyName(e.usage.provider),
        duration: this.#duration(e.usage.seconds),
      });
    }
    if (e.usage?.kind === 'sms') {
      const n = e.usage.count;
      return this.t('history.sms', {
        n: formatNumber(n, this.resolvedLocale),
        count: n,
        country: countryName(e.usage.country, this.resolvedLocale),
      });
    }
    if (e.kind === 'manual_grant') return safeText(e.description, max) || this.t('history.kind.manual_grant');
    return this.t(`history.kind.${e.kind}`);
  }

  #signed(millicredits: number): string {
    return formatNumber(millicredits / 1000, this.resolvedLocale, {
      maximumFractionDigits: 3,
      signDisplay: 'exceptZero',
    });
  }

  // ---- CSV

  #csv(): string {
    const header = ['history.date', 'history.description', 'history.change', 'history.balance'].map((k) => this.t(k));
    const rows = this.entries.map((e) => [
      e.createdAt,
      this.#describe(e, 2000),
      plainCredits(change(e)),
      plainCredits(e.balanceAfter.available),
    ]);
    return toCsv([header, ...rows]);
  }

  #export = (): void => {
    const client = this.client;
    const today = isoDay(client ? client.serverNow() : Date.now());
    // The BOM lets spreadsheet apps detect UTF-8.
    const blob = new Blob(['\uFEFF', this.#csv()], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `usage-${this.pool}-${today}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_MS);
  };

  // ---- render

  protected override render() {
    const unavailable = this.renderUnavailable();
    if (unavailable !== nothing) return unavailable;
    const title = html`<h2>${this.t('history.title')}</h2>`;
    if (this.failure) {
      return html`<div class="card" part="base">${title}${this.renderFailure(this.failure, this.#retry)}</div>`;
    }
    if (this.loading || !this.usage) return this.#renderSkeleton();
    const offline = this.common.values.connection === 'offline';
    const stale = offline || this.common.values.stale;
    return html`<div class="card" part="base">
      ${title} ${this.#renderChart(this.usage)} ${this.#renderLedger()}
      <div role="status">
        ${
          this.behind
            ? html`<p class="stale">
                ${this.t('history.behind')}
                <button type="button" class="secondary" @click=${this.#refresh}>${this.t('state.retry')}</button>
              </p>`
            : stale
              ? html`<p class="stale">${this.t(offline ? 'history.offline' : 'history.stale')}</p>`
              : nothing
        }
      </div>
    </div>`;
  }

  /** Series keys, largest total first (voice keeps the provider order, so colors stay put). */
  #keys(buckets: readonly UsageBucket[]): string[] {
    const totals = new Map<string, number>();
    for (const b of buckets) for (const [k, v] of Object.entries(b.byKey)) totals.set(k, (totals.get(k) ?? 0) + v);
    const keys = [...totals].filter(([, v]) => v > 0).map(([k]) => k);
    if (this.pool === 'voice') {
      const rank = (k: string) => (PROVIDERS.includes(k) ? PROVIDERS.indexOf(k) : PROVIDERS.length);
      return keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    }
    return keys.sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b));
  }

  #renderChart(series: UsageSeries) {
    const buckets = series.buckets;
    const keys = this.#keys(buckets);
    const total = buckets.reduce((sum, b) => sum + b.credits, 0);
    const heading = html`<h3 id="chart-title">${this.t('history.chart')}</h3>`;
    if (!total || !keys.length) {
      return html`<section aria-labelledby="chart-title">
        ${heading}
        <div class="empty" part="chart"><p>${this.t('history.noUsage', { n: this.days, count: this.days })}</p></div>
      </section>`;
    }
    const peak = buckets.reduce((best, b) => (b.credits > best.credits ? b : best));
    const max = peak.credits;
    const tone = (k: string) => `s${(keys.indexOf(k) % SERIES) + 1}`;
    const W = 10;
    const H = 100;
    const summary = this.t('history.chartSummary', {
      n: this.days,
      count: this.days,
      total: this.#credits(total),
      peak: this.#credits(max),
      day: this.#day(peak.day, { dateStyle: 'medium' }),
    });
    const first = buckets[0];
    const last = buckets[buckets.length - 1];
    return html`<section aria-labelledby="chart-title">
      <div class="chart-head">
        ${heading}
        <button
          type="button"
          class="secondary"
          aria-expanded=${this.showTable ? 'true' : 'false'}
          aria-controls="usage-table"
          @click=${() => {
            this.showTable = !this.showTable;
          }}
        >
          ${this.t(this.showTable ? 'history.hideTable' : 'history.showTable')}
        </button>
      </div>
      <div part="chart">
        <p class="scale" aria-hidden="true">${this.t('history.max', { amount: this.#credits(max) })}</p>
        <div class="plot">
          <svg
            role="img"
            aria-label=${summary}
            viewBox="0 0 ${buckets.length * W} ${H}"
            preserveAspectRatio="none"
            focusable="false"
          >
            <line class="grid" x1="0" x2=${buckets.length * W} y1=${H} y2=${H}></line>
            <line class="grid" x1="0" x2=${buckets.length * W} y1=${H / 2} y2=${H / 2}></line>
            ${buckets.map((b, i) => {
              let y = H;
              return svg`<g>
                <title>${this.#day(b.day)}: ${this.#credits(b.credits)}</title>
                ${keys.map((k) => {
                  const value = b.byKey[k] ?? 0;
                  if (!value) return nothing;
                  const h = Math.max(0.5, (value / max) * H);
                  y -= h;
                  return svg`<rect class=${tone(k)} x=${i * W + 1.5} y=${y.toFixed(2)} width=${W - 3} height=${h.toFixed(2)}></rect>`;
                })}
              </g>`;
            })}
          </svg>
        </div>
        <div class="axis" aria-hidden="true">
          <span>${first ? this.#day(first.day) : ''}</span><span>${last ? this.#day(last.day) : ''}</span>
        </div>
      </div>
      <ul class="legend" part="legend" aria-label=${this.t('history.legend')}>
        ${keys.map((k) => html`<li><span class="swatch ${tone(k)}" aria-hidden="true"></span>${this.#keyName(k)}</li>`)}
      </ul>
      <div class="table-wrap" id="usage-table" ?hidden=${!this.showTable}>
        <table>
          <caption>
            ${this.t('history.chartTable', { from: this.#day(series.from, { dateStyle: 'medium' }), to: this.#day(series.to, { dateStyle: 'medium' }) })}
          </caption>
          <thead>
            <tr>
              <th scope="col">${this.t('history.date')}</th>
              ${keys.map((k) => html`<th scope="col" class="num">${this.#keyName(k)}</th>`)}
              <th scope="col" class="num">${this.t('history.total')}</th>
            </tr>
          </thead>
          <tbody>
            ${buckets.map(
              (b) => html`<tr>
                <th scope="row">${this.#day(b.day, { dateStyle: 'medium' })}</th>
                ${keys.map((k) => html`<td class="num">${this.#credits(b.byKey[k] ?? 0)}</td>`)}
                <td class="num">${this.#credits(b.credits)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  #renderLedger() {
    const locale = this.resolvedLocale;
    const count = this.entries.length;
    return html`<section aria-labelledby="ledger-title">
      <div class="ledger-head">
        <h3 id="ledger-title">${this.t('history.ledger')}</h3>
        ${
          count
            ? html`<div class="actions">
                <button type="button" class="secondary" part="export" aria-describedby="export-hint" @click=${this.#export}>
                  ${this.t('history.export')}
                </button>
                <p id="export-hint" class="muted">${this.t('history.exportHint', { n: formatNumber(count, locale), count })}</p>
              </div>`
            : nothing
        }
      </div>
      ${
        count
          ? html`<div class="table-wrap">
              <table part="table">
                <caption class="visually-hidden">${this.t('history.ledgerCaption', { pool: this.t(this.pool === 'voice' ? 'pool.voice' : 'pool.sms') })}</caption>
                <thead>
                  <tr>
                    <th scope="col">${this.t('history.date')}</th>
                    <th scope="col">${this.t('history.description')}</th>
                    <th scope="col" class="num">${this.t('history.change')}</th>
                    <th scope="col" class="num">${this.t('history.balance')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.entries.map((e) => {
                    const delta = change(e);
                    return html`<tr>
                      <td><time datetime=${e.createdAt}>${formatDate(e.createdAt, locale, { dateStyle: 'medium', timeStyle: 'short' })}</time></td>
                      <td>${this.#describe(e)}</td>
                      <td class="num ${delta > 0 ? 'up' : ''}">${this.#signed(delta)}</td>
                      <td class="num">${formatCredits(e.balanceAfter.available, locale, 3)}</td>
                    </tr>`;
                  })}
                </tbody>
              </table>
            </div>`
          : html`<p class="muted">${this.t('history.noEntries')}</p>`
      }
      ${
        this.moreFailure
          ? this.renderFailure(this.moreFailure, this.#more)
          : this.cursor !== null
            ? html`<button type="button" class="secondary" part="more" aria-disabled=${this.moreLoading ? 'true' : nothing} aria-busy=${this.moreLoading ? 'true' : 'false'} @click=${this.#more}>
                ${this.t(this.moreLoading ? 'state.loading' : 'history.more')}
              </button>`
            : nothing
      }
    </section>`;
  }

  #renderSkeleton() {
    const bone = (width: string) => html`<span class="skeleton bone ${width}"></span>`;
    const head = (key: string, num = false) => html`<th scope="col" class=${num ? 'num' : ''}>${this.t(key)}</th>`;
    // Placeholders are hidden from assistive tech: the busy card says "Loading…" once.
    return html`<div class="card" part="base" aria-busy="true">
      <h2>${this.t('history.title')}</h2>
      <p class="visually-hidden">${this.t('state.loading')}</p>
      <section aria-hidden="true">
        <h3>${this.t('history.chart')}</h3>
        <p class="scale">${bone('w8')}</p>
        <div class="skeleton skeleton-block"></div>
        <div class="axis">${bone('w4')}${bone('w4')}</div>
      </section>
      <section aria-hidden="true">
        <h3>${this.t('history.ledger')}</h3>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                ${head('history.date')}${head('history.description')}${head('history.change', true)}${head('history.balance', true)}
              </tr>
            </thead>
            <tbody>
              ${[0, 1, 2, 3, 4].map(
                () => html`<tr>
                  <td>${bone('w8')}</td>
                  <td>${bone('w12')}</td>
                  <td class="num">${bone('w3')}</td>
                  <td class="num">${bone('w5')}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ck-usage-history': CkUsageHistory;
  }
}

import type { Pool, PoolBalance, PoolStatus } from '@creditkit/contract';
import { formatCredits, formatDate, formatNumber } from '@creditkit/sdk';
import { html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { CkElement } from '../shared/element.js';
import { PROVIDER_NAMES } from '../shared/names.js';
import { StoresController } from '../shared/stores.js';
import { styles } from './balance-meter.styles.js';

/**
 * The client's available credits in one pool: included versus purchased, the usage cap, what the
 * credits buy in talk time or messages, how long they last, and a banner when service is at risk.
 *
 * @tag ck-balance-meter
 * @attr pool - `voice` (default) or `sms`.
 * @attr compact - A one-line variant for site headers.
 * @attr status - Reflected: `ok`, `low`, `depleted`, `capped` or `paused` (style on it with `ck-balance-meter[status=low]`).
 * @csspart base - The card.
 * @csspart amount - The available credits.
 * @csspart meter - The meter track; `fill` is its bar.
 * @csspart fill - The meter bar.
 * @csspart banner - The status banner.
 * @csspart error - The error state.
 * @cssproperty --ck-meter-fill - Meter bar color (default: the primary color).
 * @cssproperty --ck-meter-track - Meter track color.
 * @cssproperty --ck-meter-height - Meter thickness (default 10px).
 */
export class CkBalanceMeter extends CkElement {
  static override styles = [...CkElement.styles, styles];

  /** Which pool to show. */
  @property({ reflect: true }) pool: Pool = 'voice';

  /** One line, for a header. */
  @property({ type: Boolean, reflect: true }) compact = false;

  /** The pool's status, reflected for styling. Read-only. */
  @property({ reflect: true }) status: PoolStatus | null = null;

  readonly #data = new StoresController(
    this,
    () => this.client,
    (c) => ({ balance: c.$balances[this.pool], equivalents: c.$equivalents[this.pool], runway: c.$runway[this.pool] }),
    () => [this.pool],
  );

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.pool !== 'voice' && this.pool !== 'sms') this.pool = 'voice';
    this.status = this.#data.values.balance?.status ?? null;
  }

  /**
   * The bar's width goes through the CSSOM after render: a `style` attribute in the markup (what
   * styleMap writes on first render) is blocked by a strict `style-src` (THREATS 19).
   */
  protected override updated(): void {
    for (const fill of this.renderRoot.querySelectorAll<HTMLElement>('.fill[data-percent]')) {
      fill.style.inlineSize = `${fill.dataset.percent}%`;
    }
  }

  #credits(millicredits: number): string {
    return formatCredits(millicredits, this.resolvedLocale);
  }

  protected override render() {
    const unavailable = this.renderUnavailable();
    if (unavailable !== nothing) return unavailable;
    const balance = this.#data.values.balance;
    if (!balance) {
      const error = this.common.values.error;
      return error && !this.common.values.connection?.match(/^(connecting|idle)$/)
        ? html`<div class="card" part="base">${this.renderFailure(error, () => this.client?.load())}</div>`
        : this.#renderSkeleton();
    }
    return this.compact ? this.#renderCompact(balance) : this.#renderFull(balance);
  }

  #label(): string {
    return this.t(this.pool === 'voice' ? 'pool.voice' : 'pool.sms');
  }

  #meter(balance: PoolBalance) {
    const total = balance.included.granted + Math.max(0, balance.purchased.remaining);
    const value = Math.max(0, Math.min(balance.available, total));
    const percent = total > 0 ? (value / total) * 100 : 0;
    return html`<div
      class="meter"
      part="meter"
      role="meter"
      aria-label=${this.#label()}
      aria-valuemin="0"
      aria-valuemax=${total / 1000}
      aria-valuenow=${value / 1000}
      aria-valuetext=${this.t('meter.valueText', { available: this.#credits(value), total: this.#credits(total) })}
    >
      <div class="fill" part="fill" data-percent=${percent.toFixed(2)}></div>
    </div>`;
  }

  #statusText(status: PoolStatus): string | null {
    return status === 'ok' ? null : this.t(`status.${status}`);
  }

  #renderCompact(balance: PoolBalance) {
    const text = this.#statusText(balance.status);
    return html`<div class="card" part="base">
      <span class="dot" aria-hidden="true"></span>
      <span class="amount" part="amount">${this.#credits(balance.available)} <span class="unit">${this.#label()}</span></span>
      ${this.#meter(balance)}
      <span class="visually-hidden" role="status">${text ?? ''}</span>
    </div>`;
  }

  #renderFull(balance: PoolBalance) {
    const text = this.#statusText(balance.status);
    const severe = balance.status !== 'ok' && balance.status !== 'low';
    const equivalents = this.#data.values.equivalents;
    const runway = this.#data.values.runway;
    const stale = this.common.values.stale || this.common.values.connection === 'offline';
    // Minutes and runway only mean something while the credits can be used.
    const usable = balance.available > 0 && (balance.status === 'ok' || balance.status === 'low');
    return html`<div class="card" part="base">
      <div class="head"><span class="label">${this.#label()}</span></div>
      <p class="amount" part="amount">
        ${this.#credits(balance.available)} <span class="unit">${this.t('meter.available')}</span>
      </p>
      ${this.#meter(balance)} ${usable ? this.#renderEquivalents(equivalents) : nothing}
      ${usable && runway !== null && runway !== undefined ? this.#renderRunway(runway) : nothing}
      <dl>
        <dt>${this.t('meter.included')}</dt>
        <dd>
          ${this.#credits(balance.included.remaining)} / ${this.#credits(balance.included.granted)}
          <small>${this.t('meter.includedResets', { date: formatDate(balance.included.resetsAt, this.resolvedLocale) })}</small>
        </dd>
        <dt>${this.t('meter.purchased')}</dt>
        <dd>${this.#credits(balance.purchased.remaining)} <small>${this.t('meter.purchasedNote')}</small></dd>
        ${
          balance.cap
            ? html`<dt>${this.t('meter.cap')}</dt>
                <dd>${this.t('meter.capUsed', { used: this.#credits(balance.cap.used), limit: this.#credits(balance.cap.limit) })}</dd>`
            : nothing
        }
      </dl>
      <div role="status">
        ${text ? html`<div class="banner ${severe ? 'danger' : 'warning'}" part="banner"><p>${text}</p></div>` : nothing}
        ${stale ? html`<p class="stale">${this.t(this.common.values.connection === 'offline' ? 'state.offline' : 'state.stale')}</p>` : nothing}
      </div>
    </div>`;
  }

  #renderRunway(days: number) {
    const text =
      days < 1
        ? this.t('meter.runwayUnderDay')
        : this.t('meter.runway', { n: formatNumber(Math.floor(days), this.resolvedLocale), count: Math.floor(days) });
    return html`<p class="runway muted">${text}</p>`;
  }

  #renderEquivalents(equivalents: Record<string, number> | null | undefined) {
    if (!equivalents) return nothing;
    const entries = Object.entries(equivalents);
    const first = entries[0];
    if (!first) return nothing;
    const best = Math.max(...entries.map(([, n]) => n));
    const n = Math.floor(best);
    const key = this.pool === 'voice' ? 'meter.minutes' : 'meter.sms';
    const name = (k: string): string => (this.pool === 'voice' ? (PROVIDER_NAMES[k] ?? k) : k);
    return html`<p class="equiv">${this.t(key, { n: formatNumber(n, this.resolvedLocale), count: n })}</p>
      ${
        entries.length > 1
          ? html`<ul class="providers muted">
              ${entries.map(([k, v]) => html`<li>${name(k)}: ${formatNumber(Math.floor(v), this.resolvedLocale)}</li>`)}
            </ul>`
          : nothing
      }`;
  }

  #renderSkeleton() {
    if (this.compact) {
      return html`<div class="card" part="base" aria-busy="true">
        <span class="amount skeleton">${this.t('state.loading')}</span>
      </div>`;
    }
    return html`<div class="card" part="base" aria-busy="true">
      <div class="head"><span class="label">${this.#label()}</span></div>
      <p class="amount"><span class="skeleton">000.00</span></p>
      <div class="meter"></div>
      <p class="equiv"><span class="skeleton">${this.t('state.loading')}</span></p>
      <dl>
        <dt>${this.t('meter.included')}</dt>
        <dd><span class="skeleton">00 / 000</span><small class="skeleton">&nbsp;</small></dd>
        <dt>${this.t('meter.purchased')}</dt>
        <dd><span class="skeleton">000</span> <small class="skeleton">&nbsp;</small></dd>
      </dl>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ck-balance-meter': CkBalanceMeter;
  }
}

import type { Pool, VoiceProvider } from '@creditkit/contract';
import { POOLS, VOICE_PROVIDERS } from '@creditkit/contract/browser';
import { formatCredits, formatMoney, formatNumber } from '@creditkit/sdk';
import { type Estimate, estimate, type PlanEstimate } from '@creditkit/sdk/estimate';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CkElement } from '../shared/element.js';
import { countryName, PROVIDER_NAMES } from '../shared/names.js';
import { StoresController } from '../shared/stores.js';
import { safeText } from '../theme/brand.js';
import { styles } from './usage-estimator.styles.js';

/** The number inputs and their limits: anything outside is an inline error, never a NaN on screen. */
const FIELDS = {
  calls: { max: 1_000_000, whole: true, fallback: 200 },
  minutes: { max: 600, whole: false, fallback: 3 },
  messages: { max: 10_000_000, whole: true, fallback: 300 },
} as const;
type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];
/** Days in the month the estimate is per (for "your credits last ≈ N days"). */
const MONTH_DAYS = 30;
const DEBOUNCE_MS = 150;

/**
 * "How many credits do I need?": calls per month × average minutes with a voice provider, plus SMS
 * per month to a country → credits per month per pool, the plan that fits best, what it costs per
 * month, extra credits to buy, and how long the client's current credits last at that rate.
 *
 * The calculation is the SDK's `estimate()` (the same rules the platform bills by), fed with the
 * agency's catalogue from the client's stores:
 * - voice: each call of `minutes × 60` seconds costs `⌈seconds × rate / 60⌉` millicredits (per-second
 *   billing, rounded up once per call), times the calls; SMS: messages × the country's rate;
 * - the credits shown are at the client's current plan's rates (the best plan's when there is none);
 * - the best fit is the plan with the lowest monthly total: its price (a twelfth of a yearly one) plus
 *   the cheapest packs or custom quantity covering what its included credits do not;
 * - days left = ⌊available credits × 30 / credits needed per month⌋, per pool (a month is 30 days).
 * Example: 100 calls × 2 min with Deepgram at 1 credit/min → 100 × ⌈120 × 1000 / 60⌉ = 200 000
 * millicredits = 200 credits per month.
 *
 * The result is a polite live region updated as the user types (after a short pause). Invalid input
 * (empty, negative, fractional counts, beyond the limits) is reported next to the field through
 * `aria-describedby` and `aria-invalid`, and the result waits for a valid value.
 *
 * @tag ck-usage-estimator
 * @attr calls - Initial calls (conversations) per month (default 200).
 * @attr minutes - Initial average minutes per call (default 3).
 * @attr provider - Initial voice provider: `deepgram` (default), `cartesia` or `elevenlabs`.
 * @attr messages - Initial SMS per month (default 300).
 * @attr country - Initial SMS destination, ISO 3166-1 alpha-2 (default `US`).
 * @csspart base - The card around everything.
 * @csspart form - The inputs.
 * @csspart field - One label, input and error.
 * @csspart field-error - A field's error message.
 * @csspart result - The live result panel.
 * @csspart best - The best-fit plan line.
 * @csspart error - The error state.
 * @cssproperty --ck-estimate-result-bg - Background of the result panel (default: the second surface color).
 */
export class CkUsageEstimator extends CkElement {
  static override styles = [...CkElement.styles, styles];

  /** Calls (conversations) per month. */
  @property({ type: Number }) calls: number = FIELDS.calls.fallback;
  /** Average length of a call in minutes (billed per second). */
  @property({ type: Number }) minutes: number = FIELDS.minutes.fallback;
  @property() provider: VoiceProvider = 'deepgram';
  /** SMS per month. */
  @property({ type: Number }) messages: number = FIELDS.messages.fallback;
  /** SMS destination country. */
  @property() country = 'US';

  /** Message keys of the fields' current errors. */
  @state() private errors: Partial<Record<Field, string>> = {};

  readonly #data = new StoresController(
    this,
    () => this.client,
    (c) => ({
      plans: c.$plans,
      packs: c.$packs,
      custom: c.$customQuantities,
      currentId: c.$currentPlanId,
      seq: c.$seq,
      voice: c.$balances.voice,
      sms: c.$balances.sms,
    }),
  );
  #timer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // A bad attribute value falls back to the default rather than showing NaN.
    for (const field of FIELD_NAMES) {
      const { max, whole, fallback } = FIELDS[field];
      const n = this[field];
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > max || (whole && !Number.isInteger(n))) {
        this[field] = fallback;
      }
    }
  }

  #options() {
    const plans = this.#data.values.plans ?? [];
    const providers = VOICE_PROVIDERS.filter((p) => plans.some((plan) => plan.rates.voice[p] !== undefined));
    const countries = [...new Set(plans.flatMap((plan) => Object.keys(plan.rates.sms)))]
      .map((code) => ({ code, name: countryName(code, this.resolvedLocale) }))
      .sort((a, b) => a.name.localeCompare(b.name, this.resolvedLocale));
    return {
      providers: providers.length ? providers : [...VOICE_PROVIDERS],
      countries: countries.length
        ? countries
        : [{ code: this.country, name: countryName(this.country, this.resolvedLocale) }],
    };
  }

  protected override render() {
    const unavailable = this.renderUnavailable();
    if (unavailable !== nothing) return unavailable;
    const { providers, countries } = this.#options();
    const provider = providers.includes(this.provider) ? this.provider : (providers[0] as VoiceProvider);
    const country = countries.some((c) => c.code === this.country)
      ? this.country
      : (countries[0]?.code ?? this.country);
    return html`<section class="card" part="base" aria-labelledby="title">
      <h2 id="title">${this.t('estimate.title')}</h2>
      <div class="layout">
        <form part="form" novalidate @submit=${this.#onSubmit} @input=${this.#onInput} @change=${this.#onChange}>
          ${this.#field('calls', 'estimate.conversations')} ${this.#field('minutes', 'estimate.minutes')}
          <div class="field" part="field">
            <label for="provider">${this.t('estimate.provider')}</label>
            <select id="provider" name="provider">
              ${providers.map((p) => html`<option value=${p} ?selected=${p === provider}>${PROVIDER_NAMES[p] ?? p}</option>`)}
            </select>
          </div>
          ${this.#field('messages', 'estimate.sms')}
          <div class="field" part="field">
            <label for="country">${this.t('estimate.country')}</label>
            <select id="country" name="country">
              ${countries.map((c) => html`<option value=${c.code} ?selected=${c.code === country}>${c.name}</option>`)}
            </select>
          </div>
        </form>
        <div class="output">
          <h3>${this.t('estimate.result')}</h3>
          ${this.#renderOutput(provider, country)}
        </div>
      </div>
    </section>`;
  }

  #field(field: Field, label: string) {
    const { max, whole } = FIELDS[field];
    const error = this.errors[field];
    return html`<div class="field" part="field">
      <label for=${field}>${this.t(label)}</label>
      <input
        id=${field}
        name=${field}
        type="number"
        inputmode=${whole ? 'numeric' : 'decimal'}
        min="0"
        max=${max}
        step=${whole ? '1' : 'any'}
        .value=${String(this[field])}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? `${field}-error` : nothing}
      />
      <p class="field-error" id="${field}-error" part="field-error">
        ${error ? this.t(error, { max: formatNumber(max, this.resolvedLocale) }) : nothing}
      </p>
    </div>`;
  }

  #renderOutput(provider: VoiceProvider, country: string) {
    const { plans, packs, custom, currentId, seq } = this.#data.values;
    const { error, connection, stale } = this.common.values;
    if (!plans || seq === undefined || seq < 0) {
      return error && connection !== 'connecting' && connection !== 'idle'
        ? this.renderFailure(error, () => this.client?.retry().catch(() => {}))
        : html`<div class="result" part="result" aria-busy="true">
            <p class="visually-hidden" role="status">${this.t('state.loading')}</p>
            <p class="skeleton"></p><p class="skeleton"></p><p class="skeleton"></p>
          </div>`;
    }
    let body: unknown;
    if (!plans.length) body = html`<p>${this.t('estimate.empty')}</p>`;
    else if (FIELD_NAMES.some((f) => this.errors[f])) body = html`<p>${this.t('estimate.fix')}</p>`;
    else {
      const result = estimate(
        {
          voice: [{ conversations: this.calls, minutes: this.minutes, provider }],
          sms: [{ messages: this.messages, country }],
        },
        { plans, packs: packs ?? [], customQuantities: custom ?? [] },
      );
      body = this.#renderResult(result, currentId ?? null);
    }
    const offline = connection === 'offline';
    return html`<div class="result" part="result" role="status">${body}</div>
      ${stale || offline ? html`<p class="stale">${this.t(offline ? 'state.offline' : 'state.stale')}</p>` : nothing}`;
  }

  #credits(millicredits: number): string {
    return formatCredits(millicredits, this.resolvedLocale);
  }

  #renderResult(result: Estimate, currentId: string | null) {
    const { best } = result;
    // The client pays at its own plan's rates today; without one, at the recommended plan's.
    const mine: PlanEstimate | undefined = result.plans.find((e) => e.plan.id === currentId) ?? best ?? result.plans[0];
    if (!mine) return nothing;
    const pool = (p: Pool) => this.t(`pool.${p}`);
    return html`<dl class="needs">
        ${POOLS.map(
          (p) =>
            html`<dt>${pool(p)}</dt><dd>${this.t('estimate.perMonth', { amount: this.#credits(mine.need[p]) })}</dd>`,
        )}
      </dl>
      <p class="muted">${this.t('estimate.atRates', { plan: safeText(mine.plan.name, 60) })}</p>
      ${
        mine.unpriced.length
          ? html`<p class="warning">${this.t('estimate.unpriced', { what: mine.unpriced.map((k) => PROVIDER_NAMES[k] ?? countryName(k, this.resolvedLocale)).join(', ') })}</p>`
          : nothing
      }
      ${
        best?.monthly
          ? html`<p class="best" part="best">${this.t('estimate.bestPlan', { plan: safeText(best.plan.name, 60) })}</p>
              <p class="cost">${this.t('estimate.monthlyCost', { price: formatMoney(best.monthly, this.resolvedLocale) })}</p>
              ${POOLS.map((p) => this.#renderExtra(best, p))}`
          : html`<p class="best" part="best">${this.t('estimate.noPlan')}</p>`
      }
      ${POOLS.map((p) => this.#renderDays(p, mine.need[p]))}`;
  }

  #renderExtra(best: PlanEstimate, p: Pool) {
    const extra = best.extras[p];
    if (!extra) return nothing;
    const pack = extra.packId ? this.#data.values.packs?.find((k) => k.id === extra.packId) : undefined;
    const what = pack
      ? `${formatNumber(extra.count, this.resolvedLocale)} × ${safeText(pack.name, 40)}`
      : `${this.#credits(extra.credits)} ${this.t(`pool.${p}`)}`;
    return html`<p>${this.t('estimate.extra', { what })}</p>`;
  }

  #renderDays(p: Pool, need: number) {
    const balance = this.#data.values[p];
    if (!balance || need <= 0) return nothing;
    const days = Math.floor((Math.max(0, balance.available) * MONTH_DAYS) / need);
    return html`<p>${this.t('estimate.lasts', { credits: this.t(`pool.${p}`), n: formatNumber(days, this.resolvedLocale), count: days })}</p>`;
  }

  #onSubmit = (event: Event): void => {
    event.preventDefault();
    this.#flush();
  };

  #onInput = (event: Event): void => {
    const target = event.target as HTMLInputElement | HTMLSelectElement;
    if (target.localName === 'select') return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#flush(), DEBOUNCE_MS);
  };

  #onChange = (event: Event): void => {
    const target = event.target as HTMLInputElement | HTMLSelectElement;
    if (target.id === 'provider') this.provider = target.value as VoiceProvider;
    else if (target.id === 'country') this.country = target.value;
    else this.#flush();
  };

  /** Reads every number input now: valid values become the estimate's input, invalid ones an error. */
  #flush(): void {
    clearTimeout(this.#timer);
    const errors: Partial<Record<Field, string>> = {};
    for (const field of FIELD_NAMES) {
      const input = this.renderRoot.querySelector<HTMLInputElement>(`#${field}`);
      if (!input) continue;
      const { max, whole } = FIELDS[field];
      const n = input.value.trim() === '' ? Number.NaN : Number(input.value);
      const error = !Number.isFinite(n)
        ? 'estimate.errorNumber'
        : n < 0
          ? 'estimate.errorNegative'
          : n > max
            ? 'estimate.errorMax'
            : whole && !Number.isInteger(n)
              ? 'estimate.errorWhole'
              : null;
      if (error) errors[field] = error;
      else this[field] = n;
    }
    this.errors = errors;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ck-usage-estimator': CkUsageEstimator;
  }
}

import type { AutoRefill, AutoRefillSetting, Pack, Pool, Purchase } from '@creditkit/contract';
import { CreditkitError, formatCredits, formatMoney, formatNumber } from '@creditkit/sdk';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CkElement } from '../shared/element.js';
import { CkErrorEvent } from '../shared/events.js';
import { StoresController } from '../shared/stores.js';
import { safeText } from '../theme/brand.js';
import { styles } from './auto-refill.styles.js';

/** Highest threshold accepted, in whole credits. */
const MAX_THRESHOLD = 1_000_000;
const WHOLE = /^\d{1,9}$/;
const CARD_BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  diners: 'Diners Club',
};

/** The form as typed: strings, so a half-typed value is never coerced. */
interface Draft {
  enabled: boolean;
  threshold: string;
  packId: string;
  max: string;
}

type Field = 'threshold' | 'packId' | 'max';

/**
 * Opt-in auto-refill for one pool, within the agency's policy: when the available credits drop below
 * a threshold, buy a chosen pack with the saved card, at most a chosen number of times a month. Off by
 * default; the exact charge is spelled out before saving. Where the agency does not offer auto-refill
 * (or bills externally) it says so and shows no controls; without a saved card (one completed checkout
 * saves it) it cannot be switched on.
 *
 * @tag ck-auto-refill
 * @attr pool - `voice` (default) or `sms`.
 * @csspart base - The card.
 * @csspart switch - The "Refill automatically" switch.
 * @csspart warning - The statement of what will be charged.
 * @csspart save - The save button.
 * @csspart error - A failed save, with a retry.
 * @event ck-error - Saving failed (`error`, a `CreditkitError` with a stable `code`).
 * @cssproperty --ck-switch-on - Switch track color when on (default: the primary color).
 * @cssproperty --ck-switch-off - Switch track color when off.
 * @cssproperty --ck-switch-thumb - Switch thumb color.
 */
export class CkAutoRefill extends CkElement {
  static override styles = [...CkElement.styles, styles];

  /** Which pool's auto-refill to configure. */
  @property({ reflect: true }) pool: Pool = 'voice';

  @state() private draft: Draft | null = null;
  /** Validation messages show once the user tried to save. */
  @state() private submitted = false;
  @state() private saving = false;
  @state() private saved = false;
  @state() private saveFailure: CreditkitError | null = null;

  readonly #data = new StoresController(
    this,
    () => this.client,
    (c) => ({
      refill: c.$autoRefill,
      packs: c.$packs,
      mode: c.$billingMode,
      purchases: c.$purchases,
      balance: c.$balances[this.pool],
    }),
    () => [this.pool],
  );

  /** The user changed something that is not saved yet: server updates do not overwrite it. */
  #dirty = false;
  #source: AutoRefill | null | undefined;
  #pool: Pool | undefined;
  #succeeded: Set<string> | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.pool !== 'voice' && this.pool !== 'sms') this.pool = 'voice';
    const { refill, purchases } = this.#data.values;
    if (this.pool !== this.#pool) {
      this.#pool = this.pool;
      this.#dirty = false;
      this.#source = undefined;
      this.#succeeded = null;
      this.saved = false;
      this.saveFailure = null;
      this.submitted = false;
    }
    if (refill !== this.#source) {
      this.#source = refill;
      if (!this.#dirty) this.draft = refill ? this.#draftFrom(refill) : null;
    }
    this.#watchPurchases(purchases);
  }

  /** A completed checkout saves the card, and an auto-refill counts against the month: re-read the settings. */
  #watchPurchases(purchases: Readonly<Record<string, Purchase>> | undefined): void {
    if (!purchases) return;
    const done = Object.values(purchases).filter((p) => p.status === 'succeeded' && p.pool === this.pool);
    if (!this.#succeeded) {
      this.#succeeded = new Set(done.map((p) => p.id));
      return;
    }
    const seen = this.#succeeded;
    const fresh = done.filter((p) => !seen.has(p.id));
    if (!fresh.length) return;
    for (const p of fresh) seen.add(p.id);
    // The store update re-renders; a failure leaves the settings as they were.
    this.client?.getAutoRefill().catch(() => {});
  }

  #allowedPacks(refill: AutoRefill): Pack[] {
    const ids = refill.policy.packIds;
    return (this.#data.values.packs ?? []).filter((p) => p.pool === this.pool && ids.includes(p.id));
  }

  #setting(refill: AutoRefill): AutoRefillSetting | undefined {
    return refill.settings.find((s) => s.pool === this.pool);
  }

  #draftFrom(refill: AutoRefill): Draft {
    const setting = this.#setting(refill);
    const packs = this.#allowedPacks(refill);
    const packId = packs.some((p) => p.id === setting?.packId) ? (setting?.packId ?? '') : (packs[0]?.id ?? '');
    // A fresh setting starts at the pool's low-balance threshold and one refill a month.
    const low = this.#data.values.balance?.lowThreshold ?? 0;
    const threshold = setting?.threshold || low;
    const max = setting?.maxPerMonth || Math.min(1, refill.policy.maxPerMonth);
    return {
      enabled: setting?.enabled ?? false,
      threshold: threshold ? String(Math.ceil(threshold / 1000)) : '',
      packId,
      max: max ? String(max) : '',
    };
  }

  #errors(draft: Draft, refill: AutoRefill): Partial<Record<Field, string>> {
    const errors: Partial<Record<Field, string>> = {};
    const threshold = draft.threshold.trim();
    if (!WHOLE.test(threshold) || +threshold < 1 || +threshold > MAX_THRESHOLD) {
      errors.threshold = this.t('refill.thresholdInvalid', { max: formatNumber(MAX_THRESHOLD, this.resolvedLocale) });
    }
    if (!this.#allowedPacks(refill).some((p) => p.id === draft.packId)) errors.packId = this.t('refill.packInvalid');
    const max = draft.max.trim();
    const limit = refill.policy.maxPerMonth;
    if (!WHOLE.test(max) || +max < 1 || +max > limit) {
      errors.max = this.t('refill.maxInvalid', { max: formatNumber(limit, this.resolvedLocale), count: limit });
    }
    return errors;
  }

  #edit(patch: Partial<Draft>): void {
    if (!this.draft) return;
    this.draft = { ...this.draft, ...patch };
    this.#dirty = true;
    this.saved = false;
    this.saveFailure = null;
  }

  #toggle = (): void => {
    const draft = this.draft;
    const refill = this.#data.values.refill;
    if (!draft || !refill) return;
    // Switching on needs a saved card; switching off is always possible.
    if (!draft.enabled && !refill.paymentMethod) return;
    this.#edit({ enabled: !draft.enabled });
  };

  #save = async (event?: Event): Promise<void> => {
    event?.preventDefault();
    const client = this.client;
    const draft = this.draft;
    const refill = this.#data.values.refill;
    if (!client || !draft || !refill || this.saving) return;
    this.submitted = true;
    const errors = this.#errors(draft, refill);
    const saved = this.#setting(refill);
    if (draft.enabled) {
      const first = (['threshold', 'packId', 'max'] as const).find((f) => errors[f]);
      if (first) {
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>(`#${first}`)?.focus();
        return;
      }
      if (!refill.paymentMethod) return;
    }
    // Switching off keeps the other values as typed when they are valid, else as saved.
    const setting: AutoRefillSetting = {
      pool: this.pool,
      enabled: draft.enabled,
      threshold: errors.threshold ? (saved?.threshold ?? 0) : +draft.threshold.trim() * 1000,
      packId: errors.packId ? (saved?.packId ?? null) : draft.packId,
      maxPerMonth: errors.max ? (saved?.maxPerMonth ?? 0) : +draft.max.trim(),
    };
    this.saving = true;
    this.saved = false;
    this.saveFailure = null;
    try {
      const result = await client.setAutoRefill(setting);
      this.#dirty = false;
      this.#source = result;
      this.draft = this.#draftFrom(result);
      this.submitted = false;
      this.saved = true;
    } catch (error) {
      const failure = error instanceof CreditkitError ? error : new CreditkitError('protocol', String(error));
      this.saveFailure = failure;
      if (failure !== client.$error.get()) this.dispatchEvent(new CkErrorEvent(failure));
    } finally {
      this.saving = false;
    }
  };

  #cardText(card: { brand: string; last4: string }): string {
    const brand = CARD_BRANDS[card.brand.toLowerCase()] ?? safeText(card.brand, 24);
    const last4 = /^\d{4}$/.test(card.last4) ? card.last4 : safeText(card.last4, 4);
    return this.t('refill.card', { brand, last4 });
  }

  // ---- render

  protected override render() {
    const unavailable = this.renderUnavailable();
    if (unavailable !== nothing) return unavailable;
    const { refill, mode } = this.#data.values;
    const title = html`<h2>${this.t('refill.title')}</h2>`;
    if (!refill || !this.draft) {
      const error = this.common.values.error;
      return error && !this.common.values.connection?.match(/^(connecting|idle)$/)
        ? html`<div class="card" part="base">${title}${this.renderFailure(error, () => this.client?.load())}</div>`
        : this.#renderSkeleton();
    }
    const packs = this.#allowedPacks(refill);
    if (!refill.policy.allowed || mode === 'external' || !packs.length || refill.policy.maxPerMonth < 1) {
      return html`<div class="card" part="base">${title}<p>${this.t('refill.notAllowed')}</p></div>`;
    }
    return this.#renderForm(refill, packs, this.draft);
  }

  #renderForm(refill: AutoRefill, packs: Pack[], draft: Draft) {
    const locale = this.resolvedLocale;
    const card = refill.paymentMethod;
    const errors = this.submitted ? this.#errors(draft, refill) : {};
    const lockedOff = !card && !draft.enabled;
    const stale = this.common.values.stale || this.common.values.connection === 'offline';
    const warning = this.#renderWarning(refill, packs, draft);
    const field = (id: Field, label: string, control: unknown, hint?: string) => html`<div class="field">
      <label for=${id}>${label}</label>
      ${control}
      ${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : nothing}
      ${errors[id] ? html`<p class="field-error" id="${id}-error">${errors[id]}</p>` : nothing}
    </div>`;
    const describedBy = (id: Field, hint = false) =>
      [hint ? `${id}-hint` : '', errors[id] ? `${id}-error` : ''].filter(Boolean).join(' ') || nothing;
    return html`<div class="card" part="base">
      <h2>${this.t('refill.title')}</h2>
      ${card ? nothing : html`<p class="banner warning" id="needs-card">${this.t('refill.needsCard')}</p>`}
      <form novalidate @submit=${this.#save}>
        <button
          type="button"
          class="switch"
          part="switch"
          role="switch"
          aria-checked=${draft.enabled ? 'true' : 'false'}
          aria-disabled=${lockedOff ? 'true' : nothing}
          aria-describedby=${lockedOff ? 'needs-card' : nothing}
          @click=${this.#toggle}
        >
          <span class="track" aria-hidden="true"><span class="thumb"></span></span>
          <span>${this.t('refill.enable')}</span>
        </button>
        ${draft.enabled ? this.#renderFields(refill, packs, draft, errors, field, describedBy) : nothing}
        ${warning ?? nothing}
        <div class="actions">
          <button
            type="submit"
            part="save"
            aria-disabled=${this.saving ? 'true' : nothing}
            aria-describedby=${warning ? 'warning' : nothing}
          >
            ${this.t(this.saving ? 'refill.saving' : 'refill.save')}
          </button>
          <div role="status">${this.saved ? html`<p class="saved">${this.t('refill.saved')}</p>` : nothing}</div>
        </div>
        ${this.saveFailure ? this.renderFailure(this.saveFailure, () => this.#save()) : nothing}
      </form>
      ${this.#renderUsed(refill, locale)}
      <div role="status">${stale ? html`<p class="stale">${this.t(this.common.values.connection === 'offline' ? 'refill.offline' : 'refill.stale')}</p>` : nothing}</div>
    </div>`;
  }

  #renderFields(
    refill: AutoRefill,
    packs: Pack[],
    draft: Draft,
    errors: Partial<Record<Field, string>>,
    field: (id: Field, label: string, control: unknown, hint?: string) => unknown,
    describedBy: (id: Field, hint?: boolean) => string | typeof nothing,
  ) {
    const locale = this.resolvedLocale;
    const limit = refill.policy.maxPerMonth;
    return html`<div class="fields">
      ${field(
        'threshold',
        this.t('refill.threshold'),
        html`<input
          id="threshold"
          type="number"
          inputmode="numeric"
          min="1"
          step="1"
          .value=${draft.threshold}
          aria-invalid=${errors.threshold ? 'true' : 'false'}
          aria-describedby=${describedBy('threshold')}
          @input=${(e: Event) => this.#edit({ threshold: (e.target as HTMLInputElement).value })}
        />`,
      )}
      ${field(
        'packId',
        this.t('refill.pack'),
        html`<select
          id="packId"
          aria-invalid=${errors.packId ? 'true' : 'false'}
          aria-describedby=${describedBy('packId')}
          @change=${(e: Event) => this.#edit({ packId: (e.target as HTMLSelectElement).value })}
        >
          ${packs.map(
            (p) => html`<option value=${p.id} ?selected=${p.id === draft.packId}>
              ${this.t('refill.packOption', { name: safeText(p.name, 60), price: formatMoney(p.price, locale) })}
            </option>`,
          )}
        </select>`,
      )}
      ${field(
        'max',
        this.t('refill.max'),
        html`<input
          id="max"
          type="number"
          inputmode="numeric"
          min="1"
          max=${limit}
          step="1"
          .value=${draft.max}
          aria-invalid=${errors.max ? 'true' : 'false'}
          aria-describedby=${describedBy('max', true)}
          @input=${(e: Event) => this.#edit({ max: (e.target as HTMLInputElement).value })}
        />`,
        this.t('refill.maxHint', { max: formatNumber(limit, locale), count: limit }),
      )}
    </div>`;
  }

  /** What saving will charge, in words, before the user commits to it; null when nothing will be. */
  #renderWarning(refill: AutoRefill, packs: Pack[], draft: Draft) {
    const card = refill.paymentMethod;
    const pack = packs.find((p) => p.id === draft.packId);
    const errors = this.#errors(draft, refill);
    if (!draft.enabled || !card || !pack || errors.max) return null;
    const locale = this.resolvedLocale;
    const price = formatMoney(pack.price, locale);
    const n = +draft.max.trim();
    const balance = this.#data.values.balance;
    const now = !errors.threshold && balance && balance.available < +draft.threshold.trim() * 1000;
    return html`<div class="banner warning" id="warning" part="warning">
      <p>${this.t('refill.warning', { price, card: this.#cardText(card), n: formatNumber(n, locale), count: n })}</p>
      <p>${this.t('refill.packCredits', { amount: formatCredits(pack.credits, locale) })}</p>
      ${now ? html`<p>${this.t('refill.chargeNow', { price })}</p>` : nothing}
    </div>`;
  }

  #renderUsed(refill: AutoRefill, locale: string) {
    const setting = this.#setting(refill);
    if (!setting?.enabled) return nothing;
    const used = refill.refillsThisMonth[this.pool] ?? 0;
    const max = Math.min(setting.maxPerMonth, refill.policy.maxPerMonth);
    return html`<p class="hint">${this.t('refill.used', { used: formatNumber(used, locale), max: formatNumber(max, locale), count: max })}</p>`;
  }

  #renderSkeleton() {
    return html`<div class="card" part="base" aria-busy="true">
      <h2>${this.t('refill.title')}</h2>
      <p class="visually-hidden">${this.t('state.loading')}</p>
      <div aria-hidden="true">
        <span class="skeleton skeleton-line"></span>
        <span class="skeleton skeleton-line"></span>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ck-auto-refill': CkAutoRefill;
  }
}

import type { Plan } from '@creditkit/contract';
import { POOLS } from '@creditkit/contract/browser';
import { type CreditkitError, formatCredits, formatMoney } from '@creditkit/sdk';
import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { CkElement } from '../shared/element.js';
import { CkErrorEvent, CkPlanChangeEvent } from '../shared/events.js';
import { countryName, PROVIDER_NAMES } from '../shared/names.js';
import { StoresController } from '../shared/stores.js';
import { safeText } from '../theme/brand.js';
import { styles } from './plan-picker.styles.js';

/**
 * The agency's plans side by side: price per period, included credits per pool, the rate card per
 * voice provider and SMS country (expandable), features, the current and the recommended plan, and
 * a plan change with an inline confirmation that works with the keyboard alone.
 *
 * Agency-provided names, descriptions and features are shown as text and trimmed (THREATS 21).
 * Choosing a plan moves focus to the confirmation; Escape or Cancel returns it to the button that
 * opened it. The change is made by `client.changePlan()` (one request per intent, safely retried);
 * `ck-plan-change` fires once when the server confirms it.
 *
 * @tag ck-plan-picker
 * @csspart base - The card around everything.
 * @csspart list - The list of plans.
 * @csspart plan - One plan; the current one also has the part `current`, the recommended one `recommended`.
 * @csspart badge - The "Current plan" and "Recommended" markers.
 * @csspart name - A plan's name.
 * @csspart price - A plan's price per period.
 * @csspart features - A plan's feature list.
 * @csspart rates - The expandable rate card (a `<details>`).
 * @csspart choose - The "Choose {plan}" button.
 * @csspart confirm - The inline confirmation.
 * @csspart status - The success and staleness messages.
 * @csspart error - An error message.
 * @cssproperty --ck-plan-min-width - Narrowest a plan card gets before the cards wrap (default 15em).
 * @cssproperty --ck-plan-highlight - Border of the current and recommended plans (default: the primary color).
 * @event ck-plan-change - The user changed plan and the server confirmed it (`change`, `plan`).
 * @event ck-error - A plan change failed (`error`, a `CreditkitError` with a stable `code`).
 */
export class CkPlanPicker extends CkElement {
  static override styles = [...CkElement.styles, styles];

  /** The plan whose change is being confirmed. */
  @state() private confirming: string | null = null;
  @state() private busy = false;
  @state() private failure: CreditkitError | null = null;
  /** The plan the user just switched to (for the success message). */
  @state() private changed: string | null = null;

  readonly #data = new StoresController(
    this,
    () => this.client,
    (c) => ({ plans: c.$plans, currentId: c.$currentPlanId, seq: c.$seq }),
  );

  protected override render() {
    const unavailable = this.renderUnavailable();
    if (unavailable !== nothing) return unavailable;
    const { plans, currentId, seq } = this.#data.values;
    const { error, connection, stale } = this.common.values;
    // `seq` stays -1 until the first bootstrap answered.
    if (!plans || seq === undefined || seq < 0) {
      return error && connection !== 'connecting' && connection !== 'idle'
        ? html`<section class="card" part="base">${this.#title()}${this.renderFailure(error, () => this.client?.retry().catch(() => {}))}</section>`
        : this.#renderSkeleton();
    }
    const offline = connection === 'offline';
    const done = plans.find((p) => p.id === this.changed && p.id === currentId);
    return html`<section class="card" part="base" aria-labelledby="title">
      ${this.#title()}
      <div role="status" part="status">
        ${done ? html`<p class="done" tabindex="-1">${this.t('plans.changed', { plan: safeText(done.name, 60) })}</p>` : nothing}
        ${stale || offline ? html`<p class="stale">${this.t(offline ? 'plans.offline' : 'plans.stale')}</p>` : nothing}
      </div>
      ${
        plans.length
          ? html`<ul class="plans" part="list">${plans.map((plan, i) => this.#renderPlan(plan, i, plan.id === currentId))}</ul>`
          : html`<p class="empty muted">${this.t('plans.empty')}</p>`
      }
    </section>`;
  }

  #title() {
    return html`<h2 id="title">${this.t('plans.title')}</h2>`;
  }

  #credits(millicredits: number, digits?: number): string {
    return formatCredits(millicredits, this.resolvedLocale, digits);
  }

  #price(plan: Plan): string {
    const price = formatMoney(plan.price, this.resolvedLocale);
    return this.t(plan.interval === 'year' ? 'plans.perYear' : 'plans.perMonth', { price });
  }

  #renderPlan(plan: Plan, i: number, current: boolean) {
    const name = safeText(plan.name, 60);
    const description = safeText(plan.description, 240);
    const features = plan.features.map((f) => safeText(f)).filter(Boolean);
    const parts = ['plan', current ? 'current' : '', plan.recommended ? 'recommended' : ''].join(' ').trim();
    return html`<li class="plan ${current ? 'current' : ''} ${plan.recommended ? 'recommended' : ''}" part=${parts} aria-current=${current ? 'true' : nothing}>
      <div class="badges">
        ${current ? html`<span class="badge current" part="badge">${this.t('plans.current')}</span>` : nothing}
        ${plan.recommended ? html`<span class="badge" part="badge">${this.t('plans.recommended')}</span>` : nothing}
      </div>
      <h3 class="name" part="name" id="n${i}">${name}</h3>
      ${description ? html`<p class="muted">${description}</p>` : nothing}
      <p class="price" part="price">${this.#price(plan)}</p>
      <ul class="included">
        ${POOLS.map(
          (pool) =>
            html`<li>${this.t(plan.interval === 'year' ? 'plans.includedYear' : 'plans.includedMonth', {
              amount: this.#credits(plan.included[pool] ?? 0),
              pool: this.t(`pool.${pool}`),
            })}</li>`,
        )}
      </ul>
      ${plan.rollover ? html`<p class="note">${this.t('plans.rollover')}</p>` : nothing}
      ${features.length ? html`<ul class="features" part="features">${features.map((f) => html`<li>${f}</li>`)}</ul>` : nothing}
      ${this.#renderRates(plan)}
      <div class="action">${current ? nothing : this.#renderAction(plan, name, i)}</div>
    </li>`;
  }

  #renderRates(plan: Plan) {
    const voice = Object.entries(plan.rates.voice);
    const sms = Object.entries(plan.rates.sms);
    if (!voice.length && !sms.length) return nothing;
    const rate = (key: string, millicredits: number) =>
      this.t(key, { amount: this.#credits(millicredits, 3), count: millicredits / 1000 });
    return html`<details class="rates" part="rates">
      <summary>${this.t('plans.rates')}</summary>
      ${
        voice.length
          ? html`<h4>${this.t('pool.voice')}</h4>
              <dl>${voice.map(([p, r]) => html`<dt>${PROVIDER_NAMES[p] ?? p}</dt><dd>${rate('plans.ratePerMinute', r)}</dd>`)}</dl>`
          : nothing
      }
      ${
        sms.length
          ? html`<h4>${this.t('pool.sms')}</h4>
              <dl>${sms.map(([c, r]) => html`<dt>${countryName(c, this.resolvedLocale)}</dt><dd>${rate('plans.ratePerSms', r)}</dd>`)}</dl>`
          : nothing
      }
    </details>`;
  }

  #renderAction(plan: Plan, name: string, i: number) {
    if (this.confirming !== plan.id) {
      return html`<button type="button" part="choose" data-plan=${plan.id} @click=${() => this.#ask(plan.id)}>
        ${this.t('plans.choose', { plan: name })}
      </button>`;
    }
    const label = this.busy ? 'plans.switching' : this.failure ? 'state.retry' : 'plans.confirmYes';
    return html`<div class="confirm" part="confirm" role="group" aria-labelledby="q${i}" tabindex="-1" @keydown=${this.#onKey}>
      <p id="q${i}">${this.t('plans.confirm', { plan: name, price: this.#price(plan) })}</p>
      ${this.failure ? html`<p role="alert" class="banner danger" part="error">${this.#failureText(this.failure)}</p>` : nothing}
      <div class="buttons">
        <button type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => this.#change(plan)}>${this.t(label)}</button>
        <button type="button" class="secondary" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.#cancel}>
          ${this.t('plans.cancel')}
        </button>
      </div>
    </div>`;
  }

  #failureText(error: CreditkitError): string {
    const key = `plans.error.${error.code}`;
    const specific = this.t(key);
    if (specific !== key) return specific;
    const detail = this.errorText(error);
    return detail === this.t('state.error') ? this.t('plans.failed') : `${this.t('plans.failed')} ${detail}`;
  }

  async #focus(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  #ask(planId: string): void {
    this.confirming = planId;
    this.failure = null;
    this.changed = null;
    // Focus the question, not the confirm button: a second Enter must not switch the plan.
    void this.#focus('.confirm');
  }

  #cancel = (): void => {
    if (this.busy || !this.confirming) return;
    const planId = this.confirming;
    this.confirming = null;
    this.failure = null;
    void this.#focus(`[data-plan="${CSS.escape(planId)}"]`);
  };

  #onKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    this.#cancel();
  };

  async #change(plan: Plan): Promise<void> {
    const client = this.client;
    if (!client || this.busy) return;
    this.busy = true;
    this.failure = null;
    try {
      const change = await client.changePlan(plan.id);
      this.confirming = null;
      this.changed = change.toPlanId;
      this.dispatchEvent(new CkPlanChangeEvent(change, plan));
      void this.#focus('.done');
    } catch (error) {
      this.failure = error as CreditkitError;
      this.dispatchEvent(new CkErrorEvent(this.failure));
    } finally {
      this.busy = false;
    }
  }

  #renderSkeleton() {
    // Text-free blocks of the loaded card's lines: nothing to read, nothing to contrast-check.
    const card = html`<li class="plan" aria-hidden="true">
      <div class="badges"></div>
      <p class="skeleton"></p><p class="skeleton"></p><p class="skeleton"></p><p class="skeleton"></p>
    </li>`;
    return html`<section class="card" part="base" aria-busy="true" aria-labelledby="title">
      ${this.#title()}
      <div role="status" part="status"><p class="visually-hidden">${this.t('state.loading')}</p></div>
      <ul class="plans" part="list">${card}${card}${card}</ul>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ck-plan-picker': CkPlanPicker;
  }
}

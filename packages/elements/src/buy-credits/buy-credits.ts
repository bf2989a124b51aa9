import type {
  Brand,
  CreditRequest,
  CustomQuantity,
  Money,
  Pack,
  Pool,
  Purchase,
  Quote,
  QuoteRequest,
} from '@creditkit/contract';
import {
  type CreditkitClient,
  CreditkitError,
  formatCredits,
  formatDate,
  formatMoney,
  formatNumber,
} from '@creditkit/sdk';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CkElement } from '../shared/element.js';
import { CkCheckoutEvent, CkErrorEvent, CkPurchaseCompleteEvent, CkPurchaseFailedEvent } from '../shared/events.js';
import { StoresController } from '../shared/stores.js';
import { safeEmail, safeText, safeUrl } from '../theme/brand.js';
import { styles } from './buy-credits.styles.js';

const CUSTOM = 'custom';
const PER_CREDIT = 1000;
/** The largest whole-credit request the API accepts (100 million credits). */
const MAX_CREDITS = 100_000_000;
const TERMINAL: readonly string[] = ['succeeded', 'failed', 'canceled'];

/** Who shows the checkout: our popup, a redirect, the host page (it prevented `ck-checkout`), or unknown (resumed). */
type Opened = 'popup' | 'redirect' | 'page' | null;

type View =
  | { name: 'choose' }
  | { name: 'confirm'; quote: Quote; request: QuoteRequest }
  | { name: 'pending'; id: string; purchase: Purchase | null; request: QuoteRequest | null; opened: Opened }
  | { name: 'done'; purchase: Purchase }
  | { name: 'failed'; purchase: Purchase; request: QuoteRequest | null }
  | { name: 'sent'; request: CreditRequest };

interface Failure {
  error: CreditkitError;
  retry: () => void;
}

const asError = (error: unknown): CreditkitError =>
  error instanceof CreditkitError ? error : new CreditkitError('internal_error', String(error));

/** Digits of a currency's minor unit (USD 2, JPY 0), for per-credit prices finer than one minor unit. */
const minorDigits = new Map<string, number>();
const digitsOf = (currency: string): number => {
  let digits = minorDigits.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorDigits.set(currency, digits);
  }
  return digits;
};

/** The unit price (minor units per credit) of the highest tier a quantity reaches, as the server prices it. */
const unitPrice = (custom: CustomQuantity, millicredits: number): number | null => {
  let unit: number | null = null;
  for (const tier of [...custom.tiers].sort((a, b) => a.minCredits - b.minCredits)) {
    if (millicredits >= tier.minCredits) unit = tier.unitAmount;
  }
  return unit;
};

/**
 * Whole percent saved per credit against the base pack, rounded down so it is never overstated.
 * In integers (BigInt: price × credits can pass 2^53), not floats: 20% must not show as 19%.
 */
const savingsPercent = (pack: Pack, base: Pack): number => {
  if (pack === base || pack.credits <= 0 || base.credits <= 0 || base.price.amount <= 0) return 0;
  if (pack.price.currency !== base.price.currency) return 0;
  const full = BigInt(base.price.amount) * BigInt(pack.credits);
  const paid = BigInt(pack.price.amount) * BigInt(base.credits);
  return full > paid ? Number((100n * (full - paid)) / full) : 0;
};

/**
 * Buy credits for one pool at the agency's prices: packs and, where the agency offers it, a custom
 * quantity; quote → confirm → checkout → waiting → done. Credits are shown as added only once the
 * server granted them. In the agency's `external` billing mode it shows a request form and the
 * agency's contact instead of a pay button.
 *
 * @tag ck-buy-credits
 * @attr pool - `voice` (default) or `sms`.
 * @attr checkout - `popup` (default: a checkout window, opened in the click so it is not blocked; falls back to `redirect`) or `redirect` (the page goes to checkout and resumes waiting when the user comes back).
 * @csspart base - The card.
 * @csspart title - The heading.
 * @csspart packs - The group of choices.
 * @csspart option - One choice (a pack or the custom amount); `option selected` when chosen.
 * @csspart price - A choice's price.
 * @csspart save - The "Save N%" badge.
 * @csspart custom - The custom quantity field and its hints.
 * @csspart review - The "Review purchase" button.
 * @csspart confirm - The confirmation step.
 * @csspart pay - The pay button.
 * @csspart status - The live region: waiting, done, canceled.
 * @csspart request - The request form (external billing).
 * @csspart contact - The agency's contact links.
 * @csspart banner - The paused notice.
 * @csspart error - An error with its retry button.
 * @cssproperty --ck-buy-option-border - Border of a choice (default: the border color).
 * @cssproperty --ck-buy-option-selected - Border and tint of the chosen choice (default: the primary color).
 * @cssproperty --ck-buy-save-background - Background of the savings badge.
 * @cssproperty --ck-buy-save-color - Text of the savings badge.
 * @cssproperty --ck-buy-gap - Space between choices (default: the spacing unit).
 * @event ck-checkout - A purchase is ready to pay (`purchase`). Cancelable: call `preventDefault()` to show your own checkout; the widget then waits for the payment. (In `popup` mode the blank window opened in the click is closed again: use `checkout="redirect"` if you always show your own.)
 * @event ck-purchase-complete - The server granted the credits (`purchase`). Fires once per purchase.
 * @event ck-purchase-failed - The payment failed or was canceled (`purchase`). Fires once per purchase.
 * @event ck-error - A quote, purchase or request failed (`error`, a `CreditkitError` with a stable `code`).
 */
export class CkBuyCredits extends CkElement {
  static override styles = [...CkElement.styles, styles];

  /** Which pool to buy for. */
  @property({ reflect: true }) pool: Pool = 'voice';

  /** How to open the checkout: `popup` or `redirect`. */
  @property({ reflect: true }) checkout: 'popup' | 'redirect' = 'popup';

  @state() private view: View = { name: 'choose' };
  /** What is in flight; buttons ignore clicks meanwhile (THREATS 9). */
  @state() private busy: 'quote' | 'pay' | 'request' | null = null;
  @state() private failure: Failure | null = null;
  /** A message key shown with the next view (a re-quote after expiry). */
  @state() private notice: string | null = null;
  @state() private selected: string | null = null;
  @state() private customText = '';
  @state() private customChecked = false;
  @state() private requestText = '';
  @state() private requestMessage = '';
  @state() private requestChecked = false;

  readonly #data = new StoresController(
    this,
    () => this.client,
    (c) => ({
      balance: c.$balances[this.pool],
      packs: c.$packs,
      customs: c.$customQuantities,
      billingMode: c.$billingMode,
      subAccount: c.$subAccount,
    }),
    () => [this.pool],
  );

  #client: CreditkitClient | null = null;
  #waiting: AbortController | null = null;
  #ticker: ReturnType<typeof setInterval> | undefined;
  /** The storage key already checked for a purchase to resume. */
  #resumed = '';
  /** Purchases whose outcome event fired: once each. */
  readonly #announced = new Set<string>();
  /** Move focus to the new view after a user action (not on load). */
  #moveFocus = false;
  #brand: Brand | null | undefined;
  #links: { email: string | null; url: string | null } = { email: null, url: null };

  override connectedCallback(): void {
    super.connectedCallback();
    // Back in the page while a purchase was pending: pick the wait up again.
    if (this.view.name === 'pending') this.#wait(this.view.id, this.view.request);
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#waiting?.abort();
    this.#waiting = null;
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.pool !== 'voice' && this.pool !== 'sms') this.pool = 'voice';
    if (this.checkout !== 'popup' && this.checkout !== 'redirect') this.checkout = 'popup';
    if (this.client !== this.#client || (changed.has('pool') && this.hasUpdated)) this.#reset();
    const brand = this.common.values.brand;
    if (brand !== this.#brand) {
      // Checked once per brand, so a refused URL warns once, not on every render (THREATS 22).
      this.#brand = brand;
      this.#links = {
        email: safeEmail(brand?.supportEmail),
        url: brand?.supportUrl ? safeUrl(brand.supportUrl, 'support URL') : null,
      };
    }
  }

  protected override updated(): void {
    if (this.#moveFocus) {
      this.#moveFocus = false;
      this.renderRoot.querySelector<HTMLElement>('[data-focus]')?.focus();
    }
    this.#tick();
    // After the update, so the state it sets starts a new one instead of changing this one.
    const key = this.#storageKey();
    if (key && key !== this.#resumed) queueMicrotask(() => this.#resume());
  }

  #reset(): void {
    this.#client = this.client;
    this.#waiting?.abort();
    this.#waiting = null;
    this.view = { name: 'choose' };
    this.busy = null;
    this.failure = null;
    this.notice = null;
    this.selected = null;
    this.customText = '';
    this.customChecked = false;
    this.#resumed = '';
  }

  #go(view: View): void {
    this.view = view;
    this.#moveFocus = true;
  }

  // ---- catalogue

  #packs(): Pack[] {
    return (this.#data.values.packs ?? []).filter((p) => p.pool === this.pool);
  }

  #custom(): CustomQuantity | null {
    return (this.#data.values.customs ?? []).find((c) => c.pool === this.pool) ?? null;
  }

  #selection(packs: Pack[], custom: CustomQuantity | null): string | null {
    const chosen = this.selected;
    if (chosen === CUSTOM && custom) return CUSTOM;
    if (chosen && packs.some((p) => p.id === chosen)) return chosen;
    return packs[0]?.id ?? (custom ? CUSTOM : null);
  }

  /** Whole credits typed by the user, read with the locale's grouping separator; null if not a whole number. */
  #parseCredits(text: string): number | null {
    // A million, not a thousand: some locales (es) group only from five digits.
    const group = formatNumber(1_000_000, this.resolvedLocale).replace(/[\d\s]/g, '')[0];
    let clean = text.replace(/\s/g, '');
    if (group) clean = clean.split(group).join('');
    return /^\d{1,12}$/.test(clean) ? Number(clean) : null;
  }

  /** The custom quantity in millicredits, or null when it is not a whole number within the agency's bounds. */
  #customMillicredits(custom: CustomQuantity): number | null {
    const n = this.#parseCredits(this.customText);
    if (n === null) return null;
    const millicredits = n * PER_CREDIT;
    return millicredits >= custom.minCredits && millicredits <= custom.maxCredits ? millicredits : null;
  }

  // ---- formatting

  #amount(millicredits: number): string {
    return this.t('buy.amount', {
      amount: formatCredits(millicredits, this.resolvedLocale),
      count: millicredits / PER_CREDIT,
    });
  }

  #money(money: Money): string {
    return formatMoney(money, this.resolvedLocale);
  }

  /** An indicative price per credit, finer than one minor unit where needed ($0.175). */
  #perCredit(minor: number, millicredits: number, currency: string): string {
    const digits = digitsOf(currency);
    const major = (minor * PER_CREDIT) / millicredits / 10 ** digits;
    const price = formatNumber(major, this.resolvedLocale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits + 2,
    });
    return this.t('buy.perCredit', { price });
  }

  // ---- actions

  #fail(error: unknown, retry: () => void): void {
    const e = asError(error);
    if (e.code === 'aborted') return;
    this.failure = { error: e, retry };
    this.dispatchEvent(new CkErrorEvent(e));
  }

  #review(event: Event): void {
    event.preventDefault();
    if (this.busy) return;
    const packs = this.#packs();
    const custom = this.#custom();
    const selected = this.#selection(packs, custom);
    if (!selected) return;
    if (selected === CUSTOM && custom) {
      const millicredits = this.#customMillicredits(custom);
      if (millicredits === null) {
        this.customChecked = true;
        this.renderRoot.querySelector<HTMLInputElement>('#custom')?.focus();
        return;
      }
      void this.#quote({ pool: this.pool, credits: millicredits }, null);
    } else {
      void this.#quote({ pool: this.pool, packId: selected }, null);
    }
  }

  async #quote(request: QuoteRequest, notice: string | null): Promise<void> {
    const client = this.client;
    if (!client || this.busy) return;
    this.busy = 'quote';
    this.failure = null;
    try {
      const quote = await client.quote(request);
      if (client !== this.client) return;
      this.notice = notice;
      if (this.view.name === 'confirm') this.view = { name: 'confirm', quote, request };
      else this.#go({ name: 'confirm', quote, request });
    } catch (error) {
      this.#fail(error, () => void this.#quote(request, notice));
    } finally {
      this.busy = null;
    }
  }

  /** Re-quotes once the shown quote expired by the server's clock (THREATS 8, 33). */
  #tick(): void {
    if (this.view.name !== 'confirm') {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
      return;
    }
    this.#ticker ??= setInterval(() => {
      const view = this.view;
      if (view.name !== 'confirm' || this.busy || this.failure || !this.client) return;
      if (this.client.serverNow() >= Date.parse(view.quote.expiresAt))
        void this.#quote(view.request, 'error.quote_expired');
    }, 1000);
  }

  #back(): void {
    if (this.busy) return;
    this.failure = null;
    this.notice = null;
    this.#go({ name: 'choose' });
  }

  #pay(): void {
    const view = this.view;
    // Synchronous guard: a double click or Enter + click reaches here twice before any render (THREATS 9).
    if (view.name !== 'confirm' || this.busy || !this.client) return;
    this.busy = 'pay';
    this.failure = null;
    // A popup must open inside the click, before anything is awaited, or the browser blocks it.
    const popup = this.checkout === 'popup' ? this.#openBlank() : null;
    void this.#purchase(view.quote, view.request, popup);
  }

  #openBlank(): Window | null {
    try {
      const popup = window.open('about:blank', 'creditkit-checkout', 'popup,width=480,height=720');
      if (popup) popup.opener = null;
      return popup;
    } catch {
      return null;
    }
  }

  async #purchase(quote: Quote, request: QuoteRequest, popup: Window | null): Promise<void> {
    const client = this.client as CreditkitClient;
    const redirect = !popup;
    let purchase: Purchase;
    try {
      // One purchase per quote however often this runs: the SDK joins repeated calls (THREATS 9).
      purchase = await client.purchase(quote, redirect ? { returnUrl: location.href } : {});
    } catch (error) {
      popup?.close();
      this.busy = null;
      const code = asError(error).code;
      if (code === 'quote_expired' || code === 'quote_not_found') {
        void this.#quote(request, 'error.quote_expired');
        return;
      }
      const retry = code === 'quote_used' ? () => void this.#quote(request, null) : () => this.#pay();
      this.#fail(error, retry);
      return;
    }
    if (client !== this.client) {
      popup?.close();
      return;
    }
    this.notice = null;
    this.#remember(purchase.id);
    if (TERMINAL.includes(purchase.status)) {
      popup?.close();
      this.busy = null;
      this.#finish(purchase, request);
      return;
    }
    let opened: Opened = 'page';
    if (this.dispatchEvent(new CkCheckoutEvent(purchase))) {
      try {
        client.openCheckout(purchase, popup ?? 'redirect');
        opened = popup ? 'popup' : 'redirect';
      } catch (error) {
        opened = null;
        popup?.close();
        this.busy = null;
        this.#fail(error, () => this.#reopen(purchase));
      }
    } else {
      popup?.close();
    }
    this.busy = null;
    this.#go({ name: 'pending', id: purchase.id, purchase, request, opened });
    this.#wait(purchase.id, request);
  }

  #reopen(purchase: Purchase): void {
    const client = this.client;
    if (!client) return;
    this.failure = null;
    try {
      client.openCheckout(purchase, this.checkout === 'redirect' ? 'redirect' : 'popup');
    } catch {
      try {
        client.openCheckout(purchase, 'redirect');
      } catch (error) {
        this.#fail(error, () => this.#reopen(purchase));
      }
    }
  }

  #wait(id: string, request: QuoteRequest | null): void {
    const client = this.client;
    if (!client) return;
    this.#waiting?.abort();
    const waiting = (this.#waiting = new AbortController());
    client.waitForPurchase(id, { signal: waiting.signal }).then(
      (purchase) => {
        if (waiting.signal.aborted) return;
        this.#finish(purchase, request);
      },
      (error) => {
        if (waiting.signal.aborted) return;
        this.#fail(error, () => {
          this.failure = null;
          this.#wait(id, request);
        });
      },
    );
  }

  /** A final answer from the server: only now are credits shown as added. */
  #finish(purchase: Purchase, request: QuoteRequest | null): void {
    this.#forget(purchase.id);
    this.failure = null;
    if (purchase.status === 'succeeded') this.#go({ name: 'done', purchase });
    else this.#go({ name: 'failed', purchase, request });
    if (this.#announced.has(purchase.id)) return;
    this.#announced.add(purchase.id);
    this.dispatchEvent(
      purchase.status === 'succeeded'
        ? new CkPurchaseCompleteEvent(purchase)
        : new CkPurchaseFailedEvent(purchase, null),
    );
  }

  #again(request: QuoteRequest | null): void {
    if (this.busy) return;
    this.failure = null;
    if (request) void this.#quote(request, null);
    else this.#go({ name: 'choose' });
  }

  // ---- a purchase pending across a reload or a redirect to checkout: nothing lost

  #storageKey(): string | null {
    const account = this.#data.values.subAccount;
    return account ? `creditkit:purchase:${account.id}:${this.pool}` : null;
  }

  #remember(id: string): void {
    const key = this.#storageKey();
    try {
      if (key) sessionStorage.setItem(key, id);
    } catch {
      // Storage may be off (private mode, sandboxed frame): the wait still works in this page.
    }
  }

  #forget(id: string): void {
    const key = this.#storageKey();
    try {
      if (key && sessionStorage.getItem(key) === id) sessionStorage.removeItem(key);
    } catch {}
  }

  #resume(): void {
    const key = this.#storageKey();
    if (!key || key === this.#resumed || !this.client) return;
    this.#resumed = key;
    if (this.view.name !== 'choose' || this.busy) return;
    let id: string | null = null;
    try {
      id = sessionStorage.getItem(key);
    } catch {}
    if (!id) return;
    const pending = id;
    this.view = { name: 'pending', id: pending, purchase: null, request: null, opened: null };
    const load = (): void => {
      const client = this.client;
      if (!client) return;
      client.getPurchase(pending).then(
        (purchase) => {
          if (client !== this.client || this.view.name !== 'pending') return;
          if (TERMINAL.includes(purchase.status)) this.#finish(purchase, null);
          else {
            this.view = { name: 'pending', id: pending, purchase, request: null, opened: null };
            this.#wait(pending, null);
          }
        },
        (error) => {
          const e = asError(error);
          if (e.code === 'not_found' || e.code === 'forbidden') {
            this.#forget(pending);
            this.view = { name: 'choose' };
          } else {
            this.#fail(e, () => {
              this.failure = null;
              load();
            });
          }
        },
      );
    };
    load();
  }

  // ---- external billing: ask the agency

  #requestCredits(): number | null {
    const n = this.#parseCredits(this.requestText);
    return n !== null && n >= 1 && n <= MAX_CREDITS ? n * PER_CREDIT : null;
  }

  async #send(event: Event): Promise<void> {
    event.preventDefault();
    const client = this.client;
    if (!client || this.busy) return;
    const credits = this.#requestCredits();
    if (credits === null) {
      this.requestChecked = true;
      this.renderRoot.querySelector<HTMLInputElement>('#request-credits')?.focus();
      return;
    }
    const message = this.requestMessage.trim();
    this.busy = 'request';
    this.failure = null;
    try {
      const sent = await client.requestCredits({ pool: this.pool, credits, ...(message ? { message } : {}) });
      if (client !== this.client) return;
      this.requestText = '';
      this.requestMessage = '';
      this.requestChecked = false;
      this.#go({ name: 'sent', request: sent });
    } catch (error) {
      this.#fail(error, () => void this.#send(new Event('submit')));
    } finally {
      this.busy = null;
    }
  }

  // ---- rendering

  protected override render() {
    const unavailable = this.renderUnavailable();
    if (unavailable !== nothing) return unavailable;
    const mode = this.#data.values.billingMode;
    if (!mode) {
      const error = this.common.values.error;
      return error && !this.common.values.connection?.match(/^(connecting|idle)$/)
        ? html`<div class="card" part="base">${this.renderFailure(error, () => this.client?.load())}</div>`
        : this.#renderSkeleton();
    }
    const external = mode === 'external';
    const view = this.view;
    return html`<div class="card" part="base">
      <h2 part="title" tabindex="-1" ?data-focus=${view.name === 'choose'}>
        ${this.t(external ? 'buy.requestTitle' : 'buy.title')}
      </h2>
      ${this.#renderNotes()}
      ${
        view.name === 'confirm'
          ? this.#renderConfirm(view.quote)
          : view.name === 'pending' || view.name === 'done' || view.name === 'failed'
            ? nothing
            : view.name === 'sent'
              ? this.#renderSent()
              : external
                ? this.#renderRequest()
                : this.#renderChoose()
      }
      ${this.#renderStatus(view)}
    </div>`;
  }

  #renderNotes() {
    const paused = this.#data.values.balance?.status === 'paused';
    const offline = this.common.values.connection === 'offline';
    return html`${
      paused ? html`<div class="banner warning" part="banner"><p>${this.t('buy.paused')}</p></div>` : nothing
    }${offline ? html`<p class="note">${this.t('buy.offline')}</p>` : nothing}`;
  }

  #renderError() {
    const failure = this.failure;
    return failure ? this.renderFailure(failure.error, () => failure.retry()) : nothing;
  }

  #renderChoose() {
    const packs = this.#packs();
    const custom = this.#custom();
    if (!packs.length && !custom) {
      return html`<p>${this.t('buy.none')}</p>
        ${this.#renderContact()}`;
    }
    const selected = this.#selection(packs, custom);
    const base = packs.reduce<Pack | null>((min, p) => (!min || p.credits < min.credits ? p : min), null);
    const busy = this.busy === 'quote';
    return html`<form @submit=${this.#review} novalidate>
      <fieldset class="packs" part="packs">
        <legend class="muted">${this.t('buy.packs')}</legend>
        ${packs.map((pack) => this.#renderPack(pack, pack.id === selected, base))}
        ${custom ? this.#renderCustomOption(custom, selected === CUSTOM) : nothing}
      </fieldset>
      ${custom && selected === CUSTOM ? this.#renderCustomField(custom) : nothing}
      ${this.#renderError()}
      <div class="actions">
        <button type="submit" part="review" aria-disabled=${busy ? 'true' : 'false'} aria-busy=${busy ? 'true' : 'false'}>
          ${this.t('buy.getQuote')}
        </button>
      </div>
    </form>`;
  }

  #select(value: string): void {
    this.selected = value;
    this.failure = null;
  }

  #renderPack(pack: Pack, checked: boolean, base: Pack | null) {
    const name = safeText(pack.name, 80);
    const label = this.#amount(pack.credits);
    const savings = base ? savingsPercent(pack, base) : 0;
    return html`<label class="option ${checked ? 'selected' : ''}" part="option${checked ? ' selected' : ''}">
      <input type="radio" name="choice" .value=${pack.id} .checked=${checked} @change=${() => this.#select(pack.id)} />
      <span class="main">
        <span class="name">${label}</span>
        ${name && name !== label ? html`<span class="sub muted">${name}</span>` : nothing}
      </span>
      <span class="price" part="price">${this.#money(pack.price)}</span>
      <span class="detail">
        ${pack.credits > 0 ? html`<span class="muted">${this.#perCredit(pack.price.amount, pack.credits, pack.price.currency)}</span>` : nothing}
        ${savings >= 1 ? html`<span class="save" part="save">${this.t('buy.save', { percent: formatNumber(savings, this.resolvedLocale) })}</span>` : nothing}
      </span>
    </label>`;
  }

  #bounds(custom: CustomQuantity): { min: string; max: string } {
    return {
      min: formatCredits(custom.minCredits, this.resolvedLocale),
      max: formatCredits(custom.maxCredits, this.resolvedLocale),
    };
  }

  #renderCustomOption(custom: CustomQuantity, checked: boolean) {
    return html`<label class="option ${checked ? 'selected' : ''}" part="option${checked ? ' selected' : ''}">
      <input type="radio" name="choice" value=${CUSTOM} .checked=${checked} @change=${() => this.#select(CUSTOM)} />
      <span class="main">
        <span class="name">${this.t('buy.custom')}</span>
        <span class="sub muted">${this.t('buy.customHint', this.#bounds(custom))}</span>
      </span>
    </label>`;
  }

  #renderCustomField(custom: CustomQuantity) {
    const millicredits = this.#customMillicredits(custom);
    const invalid = this.customChecked && millicredits === null;
    const unit = millicredits === null ? null : unitPrice(custom, millicredits);
    const currency = custom.currency;
    return html`<div class="custom" part="custom">
      <label for="custom">${this.t('buy.customLabel')}</label>
      <input
        id="custom"
        type="text"
        inputmode="numeric"
        autocomplete="off"
        .value=${this.customText}
        aria-invalid=${invalid ? 'true' : 'false'}
        aria-describedby="custom-hint custom-message"
        @input=${(e: Event) => {
          this.customText = (e.target as HTMLInputElement).value;
        }}
        @change=${() => {
          this.customChecked = this.customText.trim() !== '';
        }}
      />
      <p id="custom-hint" class="muted hint">${this.t('buy.customHint', this.#bounds(custom))}</p>
      <p id="custom-message" class=${invalid ? 'field-error' : 'muted hint'}>
        ${
          invalid
            ? this.t('buy.customInvalid', this.#bounds(custom))
            : millicredits !== null && unit !== null
              ? this.t('buy.customEstimate', {
                  price: this.#money({ amount: (millicredits / PER_CREDIT) * unit, currency }),
                  perCredit: formatNumber(unit / 10 ** digitsOf(currency), this.resolvedLocale, {
                    style: 'currency',
                    currency,
                    minimumFractionDigits: digitsOf(currency),
                    maximumFractionDigits: digitsOf(currency) + 2,
                  }),
                })
              : nothing
        }
      </p>
    </div>`;
  }

  #renderConfirm(quote: Quote) {
    const price = this.#money(quote.amount);
    const expired = Boolean(this.client && this.client.serverNow() >= Date.parse(quote.expiresAt));
    const busy = this.busy !== null;
    return html`<section class="confirm" part="confirm" aria-labelledby="confirm-title">
      <h3 id="confirm-title" tabindex="-1" data-focus>${this.t('buy.confirmTitle')}</h3>
      <div role="status">${this.notice ? html`<p class="banner warning">${this.t(this.notice)}</p>` : nothing}</div>
      <p class="total">${this.t('buy.confirmLine', { amount: this.#amount(quote.credits), price })}</p>
      <p class="muted">
        ${this.t('buy.quoteExpires', { time: formatDate(quote.expiresAt, this.resolvedLocale, { timeStyle: 'short' }) })}
      </p>
      ${this.#renderError()}
      <div class="actions">
        <button type="button" class="secondary" aria-disabled=${busy ? 'true' : 'false'} @click=${this.#back}>
          ${this.t('buy.back')}
        </button>
        <button
          type="button"
          part="pay"
          aria-disabled=${busy || expired ? 'true' : 'false'}
          aria-busy=${this.busy === 'pay' ? 'true' : 'false'}
          @click=${this.#pay}
        >
          ${this.t('buy.pay', { price })}
        </button>
      </div>
    </section>`;
  }

  /** One live region for waiting, done and canceled, present from the start so screen readers announce changes. */
  #renderStatus(view: View) {
    let body: TemplateResult | typeof nothing = nothing;
    let actions: TemplateResult | typeof nothing = nothing;
    if (view.name === 'pending') {
      const purchase = view.purchase;
      body = html`<p class="pending" tabindex="-1" data-focus>
          <span class="spinner" aria-hidden="true"></span>${this.t('buy.pending')}
        </p>
        ${
          view.opened === 'popup' || view.opened === 'redirect'
            ? html`<p class="muted">${this.t(view.opened === 'redirect' ? 'buy.redirecting' : 'buy.checkoutOpened')}</p>`
            : nothing
        }`;
      // A way back to a checkout window the user closed; not when the host page shows its own.
      actions =
        view.opened !== 'page' && purchase?.status === 'requires_payment' && purchase.checkoutUrl
          ? html`<div class="actions">
              <button type="button" class="secondary" @click=${() => this.#reopen(purchase)}>${this.t('buy.reopen')}</button>
            </div>`
          : nothing;
    } else if (view.name === 'done') {
      body = html`<p class="done" tabindex="-1" data-focus>${this.t('buy.done', { amount: this.#amount(view.purchase.credits) })}</p>`;
      actions = html`<div class="actions">
        <button type="button" class="secondary" @click=${() => this.#again(null)}>${this.t('buy.again')}</button>
      </div>`;
    } else if (view.name === 'failed') {
      const canceled = view.purchase.status === 'canceled';
      body = html`<p class="banner ${canceled ? 'warning' : 'danger'}" tabindex="-1" data-focus>
        ${this.t(canceled ? 'buy.canceled' : 'buy.failed')}
      </p>`;
      const request = view.request;
      actions = html`<div class="actions">
        <button type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => this.#again(request)}>
          ${this.t('state.retry')}
        </button>
        ${request ? html`<button type="button" class="secondary" @click=${this.#back}>${this.t('buy.back')}</button>` : nothing}
      </div>`;
    }
    const showError = view.name === 'pending' || view.name === 'failed' || view.name === 'done';
    return html`<div role="status" aria-live="polite" part="status" class="status">${body}</div>
      ${showError ? this.#renderError() : nothing}${actions}`;
  }

  #renderRequest() {
    const credits = this.#requestCredits();
    const invalid = this.requestChecked && credits === null;
    const busy = this.busy === 'request';
    return html`<form class="request" part="request" @submit=${this.#send} novalidate>
        <p>${this.t('buy.requestIntro')}</p>
        <label for="request-credits">${this.t('buy.customLabel')}</label>
        <input
          id="request-credits"
          type="text"
          inputmode="numeric"
          autocomplete="off"
          .value=${this.requestText}
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby="request-error"
          @input=${(e: Event) => {
            this.requestText = (e.target as HTMLInputElement).value;
          }}
          @change=${() => {
            this.requestChecked = this.requestText.trim() !== '';
          }}
        />
        <p id="request-error" class="field-error">${invalid ? this.t('buy.requestInvalid') : nothing}</p>
        <label for="request-message">${this.t('buy.requestMessage')}</label>
        <textarea
          id="request-message"
          rows="3"
          maxlength="2000"
          .value=${this.requestMessage}
          @input=${(e: Event) => {
            this.requestMessage = (e.target as HTMLTextAreaElement).value;
          }}
        ></textarea>
        ${this.#renderError()}
        <div class="actions">
          <button type="submit" aria-disabled=${busy ? 'true' : 'false'} aria-busy=${busy ? 'true' : 'false'}>
            ${this.t('buy.requestSend')}
          </button>
        </div>
      </form>
      ${this.#renderContact()}`;
  }

  #renderSent() {
    return html`<p class="done" tabindex="-1" data-focus>${this.t('buy.requestSent')}</p>
      ${this.#renderContact()}`;
  }

  /** The agency's contact: only a valid email and an absolute https: URL become links (THREATS 22). */
  #renderContact() {
    const { email, url } = this.#links;
    if (!email && !url) return nothing;
    return html`<section class="contact" part="contact" aria-labelledby="contact-title">
      <h3 id="contact-title">${this.t('buy.contact')}</h3>
      <ul>
        ${email ? html`<li><a href=${`mailto:${email}`}>${email}</a></li>` : nothing}
        ${url ? html`<li><a href=${url} target="_blank" rel="noopener noreferrer">${this.t('buy.contactSite')}</a></li>` : nothing}
      </ul>
    </section>`;
  }

  /** Same box as the packs view (no layout shift): three choices and the button, as blank shapes. */
  #renderSkeleton() {
    return html`<div class="card" part="base" aria-busy="true">
      <h2 part="title">${this.t('buy.title')}</h2>
      <p class="visually-hidden">${this.t('state.loading')}</p>
      <div class="packs" aria-hidden="true">
        <span class="legend-shape skeleton"></span>
        ${[0, 1, 2].map(
          () => html`<div class="option placeholder">
            <span class="radio-shape skeleton"></span>
            <span class="main"><span class="shape skeleton"></span></span>
            <span class="price"><span class="shape short skeleton"></span></span>
            <span class="detail"><span class="shape skeleton"></span></span>
          </div>`,
        )}
      </div>
      <div class="actions" aria-hidden="true"><span class="button-shape skeleton"></span></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ck-buy-credits': CkBuyCredits;
  }
}

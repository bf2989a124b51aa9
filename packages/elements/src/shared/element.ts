import type { CreditkitClient, CreditkitError } from '@creditkit/sdk';
import { consume } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Catalogue } from '../i18n/en.js';
import { loadLocale, type Params, translate } from '../i18n/translate.js';
import { base, tokens } from '../theme/tokens.js';
import { type Provided, providedContext } from './context.js';
import { paced } from './pace.js';
import { StoresController } from './stores.js';

const LOCALE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/**
 * What every creditkit widget shares: the client from the nearest ck-provider, localized strings with
 * per-widget overrides, and the states a widget can be in besides "ready".
 */
export abstract class CkElement extends LitElement {
  static override styles = [tokens, base];

  /** Overrides for any user-visible string of this widget, by message key (e.g. `{'meter.available': 'Left'}`). */
  @property({ attribute: false }) strings: Catalogue = {};

  /** BCP 47 locale for this widget; defaults to the provider's, then the agency's, then the browser's. */
  @property({ reflect: true }) locale: string | undefined;

  @consume({ context: providedContext, subscribe: true })
  @state()
  /** @internal Set by the nearest ck-provider. */
  provided: Provided | undefined;

  @state() private localeReady = '';

  /** What every widget reads: locale and terms, and whether the data is current. */
  protected readonly common = new StoresController(
    this,
    () => this.client,
    (c) => ({ locale: c.$locale, brand: c.$brand, connection: c.$connection, stale: c.$stale, error: c.$error }),
  );

  /** True while the pending update was asked for by new store data only (StoresController). */
  #dataOnly = false;

  /** @internal A store this widget reads changed: its re-render is paced (shared/pace.ts). */
  requestDataUpdate(): void {
    if (!this.isUpdatePending) this.#dataOnly = true;
    this.requestUpdate();
  }

  /** Data re-renders of a widget already on screen share a per-frame budget with every other widget's. */
  // biome-ignore lint/suspicious/noConfusingVoidType: LitElement's own signature
  protected override scheduleUpdate(): void | Promise<unknown> {
    const pace = this.#dataOnly && this.hasUpdated;
    this.#dataOnly = false;
    if (!pace) return super.scheduleUpdate();
    return new Promise<void>((resolve, reject) =>
      paced(() => {
        try {
          super.scheduleUpdate();
          resolve();
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  protected get client(): CreditkitClient | null {
    return this.provided?.client ?? null;
  }

  protected agencyLocale(): string | undefined {
    return this.common.values.locale ?? undefined;
  }

  protected get resolvedLocale(): string {
    const wanted = this.locale ?? this.provided?.locale ?? this.agencyLocale() ?? navigator.language ?? 'en';
    return LOCALE.test(wanted) ? wanted : 'en';
  }

  /** Agency terminology (`{ credits: 'minutes' }`) from the brand. */
  protected terms(): Record<string, string> {
    return this.common.values.brand?.terms ?? {};
  }

  protected t(key: string, params?: Params): string {
    return translate(this.resolvedLocale, key, params, this.strings, this.terms());
  }

  protected override willUpdate(_changed: PropertyValues): void {
    const lang = this.resolvedLocale;
    if (lang !== this.localeReady) {
      this.localeReady = lang;
      loadLocale(lang).then(
        () => this.requestUpdate(),
        () => {},
      );
    }
    if (this.getAttribute('lang') !== lang) this.setAttribute('lang', lang);
  }

  /** The message for a failure, localized by its stable code. */
  protected errorText(error: CreditkitError | null | undefined): string {
    if (!error) return this.t('state.error');
    const key = `error.${error.code}`;
    const text = this.t(key);
    return text === key ? this.t('state.error') : text;
  }

  /** No provider, or a provider that could not create a client: say so instead of a blank widget. */
  protected renderUnavailable(): TemplateResult | typeof nothing {
    if (this.provided?.error) {
      return html`<div class="card" part="base"><p role="alert">${this.t('error.config')}</p></div>`;
    }
    return nothing;
  }

  protected renderFailure(error: CreditkitError | null, retry: () => void): TemplateResult {
    const signedOut = error?.code === 'session';
    return html`<div role="alert" class="banner danger" part="error">
        <p>${signedOut ? this.t('state.signedOut') : this.errorText(error)}</p>
        <button type="button" class="secondary" @click=${retry}>${this.t('state.retry')}</button>
      </div>`;
  }
}

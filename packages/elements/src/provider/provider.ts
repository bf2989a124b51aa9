import { type CreditkitClient, CreditkitError, createClient } from '@creditkit/sdk';
import { provide } from '@lit/context';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { type Provided, providedContext } from '../shared/context.js';
import { CkBalanceDepletedEvent, CkBalanceLowEvent, CkErrorEvent, CkSessionExpiredEvent } from '../shared/events.js';
import { brandTokens } from '../theme/brand.js';
import { darkPalette } from '../theme/tokens.js';

const BRAND_TOKENS = ['--ck-brand-primary', '--ck-brand-accent'];

/**
 * Configures one client for every creditkit widget inside it and applies the agency's brand.
 *
 * @tag ck-provider
 * @slot - The page content holding the widgets.
 * @event ck-balance-low - A pool fell below its low threshold (`pool`, `balance`).
 * @event ck-balance-depleted - A pool ran out (`pool`, `balance`).
 * @event ck-session-expired - The session could not be renewed (`error`).
 * @event ck-error - Configuration or background failure (`error`, a `CreditkitError` with a stable `code`).
 * @cssproperty --ck-color-primary - Buttons, meters and focus rings; defaults to the agency's brand color.
 */
export class CkProvider extends LitElement {
  static override styles = css`
    :host {
      display: contents;
    }
  `;

  /** Base URL of the platform API, e.g. `https://api.platform.example`. */
  @property({ attribute: 'api-base' }) apiBase: string | null = null;

  /** URL on the agency's own site that returns `{ token, expiresAt }` for the signed-in client. */
  @property({ attribute: 'session-endpoint' }) sessionEndpoint: string | null = null;

  /** BCP 47 locale for every widget inside; defaults to the agency's. */
  @property() locale: string | undefined;

  /** `light`, `dark` or `auto` (follows the system setting). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'light';

  /** A client you created yourself (tests, SPAs); when set, `api-base` and `session-endpoint` are not used. */
  @property({ attribute: false }) client: CreditkitClient | null = null;

  @provide({ context: providedContext })
  @state()
  /** @internal What the widgets inside receive. */
  provided: Provided = { client: null, error: null, locale: undefined };

  #own: CreditkitClient | null = null;
  #watch: (() => void)[] = [];
  #dark = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  #onScheme = (): void => this.#applyTheme();

  override connectedCallback(): void {
    super.connectedCallback();
    this.#dark?.addEventListener('change', this.#onScheme);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#dark?.removeEventListener('change', this.#onScheme);
    this.#unwatch();
    this.#own?.destroy();
    this.#own = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('apiBase') || changed.has('sessionEndpoint') || changed.has('client') || !this.hasUpdated) {
      this.#setup();
    } else if (changed.has('locale')) {
      this.provided = { ...this.provided, locale: this.locale };
    }
    if (changed.has('theme')) this.#applyTheme();
  }

  #setup(): void {
    this.#unwatch();
    this.#own?.destroy();
    this.#own = null;
    let client = this.client;
    let error: CreditkitError | null = null;
    if (!client) {
      try {
        client = this.#own = createClient({
          apiBase: this.apiBase ?? '',
          sessionEndpoint: this.sessionEndpoint ?? '',
          ...(this.locale ? { locale: this.locale } : {}),
        });
      } catch (e) {
        error = e instanceof CreditkitError ? e : new CreditkitError('config', String(e));
        // After the first render, so the page's listeners on this element are in place.
        queueMicrotask(() => this.dispatchEvent(new CkErrorEvent(error as CreditkitError)));
        console.error(error.message);
      }
    }
    this.provided = { client, error, locale: this.locale };
    if (client) this.#watchClient(client);
  }

  #watchClient(client: CreditkitClient): void {
    this.#watch.push(
      client.$brand.subscribe((brand) => {
        const tokens = brandTokens(brand);
        for (const name of BRAND_TOKENS) {
          if (tokens[name]) this.style.setProperty(name, tokens[name]);
          else this.style.removeProperty(name);
        }
      }),
      client.$transition.listen((t) => {
        if (!t) return;
        if (t.to === 'low') this.dispatchEvent(new CkBalanceLowEvent(t.pool, t.balance));
        if (t.to === 'depleted') this.dispatchEvent(new CkBalanceDepletedEvent(t.pool, t.balance));
      }),
      client.$error.listen((error) => {
        if (!error) return;
        if (error.code === 'session' || error.code === 'session_expired') {
          this.dispatchEvent(new CkSessionExpiredEvent(error));
        }
        this.dispatchEvent(new CkErrorEvent(error));
      }),
    );
  }

  #unwatch(): void {
    for (const stop of this.#watch.splice(0)) stop();
  }

  #applyTheme(): void {
    const dark = this.theme === 'dark' || (this.theme === 'auto' && Boolean(this.#dark?.matches));
    for (const [name, value] of Object.entries(darkPalette)) {
      if (dark) this.style.setProperty(name, value);
      else this.style.removeProperty(name);
    }
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ck-provider': CkProvider;
  }
}

import type {
  AutoRefill,
  AutoRefillSetting,
  Balances,
  BillingMode,
  Brand,
  CreditRequest,
  CreditRequestCreate,
  CustomQuantity,
  LedgerPage,
  Pack,
  Plan,
  PlanChange,
  Pool,
  PoolBalance,
  PoolStatus,
  Purchase,
  Quote,
  QuoteRequest,
  RateCard,
  StreamEvent,
  UsageSeries,
  WidgetBootstrap,
} from '@creditkit/contract';
import * as schemas from '@creditkit/contract/browser';
import { POOLS } from '@creditkit/contract/browser';
import { atom, type ReadableAtom, type WritableAtom } from 'nanostores';
import { type ClientOptions, readConfig } from './config.js';
import { createCore } from './core.js';
import { CreditkitError } from './errors.js';
import { formatCredits, formatDate, formatMoney, formatNumber } from './format.js';
import { type ConnectionState, createLive } from './live.js';
import { noop, same } from './util.js';

export type { ConnectionState };

/** A pool's status changed (for `ck-balance-low` / `ck-balance-depleted`). */
export interface StatusTransition {
  pool: Pool;
  from: PoolStatus;
  to: PoolStatus;
  balance: PoolBalance;
}

export interface MoneyOptions {
  /** One key per user intent; generated (and reused on every retry) when omitted. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface CreditkitClient {
  readonly apiBase: string;
  /** Live connection: idle, connecting, live, polling, paused (tab hidden), offline, signed-out, error. */
  readonly $connection: ReadableAtom<ConnectionState>;
  /** True while the data shown may be out of date (a refresh failed, the stream is down). */
  readonly $stale: ReadableAtom<boolean>;
  /** The last failure of background work (bootstrap, stream, revalidation, session). */
  readonly $error: ReadableAtom<CreditkitError | null>;
  /** One store per pool: a voice tick does not wake SMS or plan subscribers. */
  readonly $balances: Readonly<Record<Pool, ReadableAtom<PoolBalance | null>>>;
  readonly $seq: ReadableAtom<number>;
  readonly $brand: ReadableAtom<Brand | null>;
  readonly $subAccount: ReadableAtom<{ id: string; name: string } | null>;
  /** The `locale` option, else the agency's. */
  readonly $locale: ReadableAtom<string | undefined>;
  readonly $currency: ReadableAtom<string | null>;
  readonly $billingMode: ReadableAtom<BillingMode | null>;
  readonly $autoRefill: ReadableAtom<AutoRefill | null>;
  readonly $plans: ReadableAtom<Plan[]>;
  readonly $currentPlanId: ReadableAtom<string | null>;
  readonly $currentPlan: ReadableAtom<Plan | null>;
  readonly $packs: ReadableAtom<Pack[]>;
  readonly $customQuantities: ReadableAtom<CustomQuantity[]>;
  readonly $rateCard: ReadableAtom<RateCard | null>;
  /** Purchases seen this session, by id, as the server last reported them. */
  readonly $purchases: ReadableAtom<Readonly<Record<string, Purchase>>>;
  /** Per pool: what the available credits buy, e.g. `{ deepgram: 412 }` minutes or `{ US: 300 }` SMS. */
  readonly $equivalents: Readonly<Record<Pool, ReadableAtom<Record<string, number> | null>>>;
  /**
   * Per pool: whole days the available credits last at the average use of the last 7 days (null: no use).
   * From the bootstrap's `recentUsage`, plus the usage each later balance reports: no request of its own.
   */
  readonly $runway: Readonly<Record<Pool, ReadableAtom<number | null>>>;
  /** The latest status change of a pool after the first load. */
  readonly $transition: ReadableAtom<StatusTransition | null>;

  /** The bootstrap (`GET /v1/widget`), once for every caller; a failure is not cached. */
  load(): Promise<void>;
  /** Loads, then keeps the stores live; call once per widget and call the returned function to let go. */
  connect(): () => void;
  /** Re-reads balances now (`GET /v1/balances`). */
  refresh(): Promise<Balances>;
  /** After `signed-out` or `error` (the "try again" button): loads if needed, then reconnects or re-reads. */
  retry(): Promise<void>;
  /**
   * Final: stops the stream, aborts requests and retries in flight, forgets the session token. Nothing
   * starts again afterwards; later `connect()` releases and calls are harmless.
   */
  destroy(): void;
  /** Now, by the API server's clock (ms since the epoch), once the first answer has set it. */
  serverNow(): number;

  quote(request: QuoteRequest, options?: { signal?: AbortSignal }): Promise<Quote>;
  /** Pays a quote. Calling again for the same quote returns the same purchase (one request, one key). */
  purchase(quote: Quote | string, options?: MoneyOptions & { returnUrl?: string }): Promise<Purchase>;
  /** Sends the user to pay: `redirect` (default), `popup`, or a window you opened in the click handler. */
  openCheckout(purchase: Purchase, target?: 'redirect' | 'popup' | Window): Window | null;
  /** Resolves when the server says the purchase succeeded (credits granted), failed or was canceled. */
  waitForPurchase(id: string, options?: { signal?: AbortSignal; pollMs?: number }): Promise<Purchase>;
  getPurchase(id: string, options?: { signal?: AbortSignal }): Promise<Purchase>;
  changePlan(planId: string, options?: MoneyOptions): Promise<PlanChange>;
  getAutoRefill(): Promise<AutoRefill>;
  setAutoRefill(setting: AutoRefillSetting): Promise<AutoRefill>;
  /** External billing mode: ask the agency for credits. */
  requestCredits(request: CreditRequestCreate, options?: MoneyOptions): Promise<CreditRequest>;
  /** Ledger entries, newest first; pass `nextCursor` back as `cursor` for the next page. */
  ledger(
    query?: { pool?: Pool; cursor?: string; limit?: number },
    options?: { signal?: AbortSignal },
  ): Promise<LedgerPage>;
  /** Usage per day; `from`/`to` are `YYYY-MM-DD`. */
  usage(query: { pool: Pool; from: string; to: string }, options?: { signal?: AbortSignal }): Promise<UsageSeries>;
}

const TERMINAL: readonly string[] = ['succeeded', 'failed', 'canceled'];
const DAY = 86_400_000;
const perPool = <T>(make: (pool: Pool) => T): Record<Pool, T> =>
  Object.fromEntries(POOLS.map((pool) => [pool, make(pool)])) as Record<Pool, T>;
/**
 * A store derived from two of the client's stores. Not nanostores' `computed`: its lazy mount machinery
 * is ~0.45 KiB gzip of the SDK's 9 KiB budget, and these inputs live exactly as long as the client, so
 * listening to them for good leaks nothing. An equal (deep) result wakes no subscriber.
 */
const derive = <A, B, T>(a: ReadableAtom<A>, b: ReadableAtom<B>, compute: (a: A, b: B) => T): ReadableAtom<T> => {
  const $derived = atom(compute(a.get(), b.get()));
  const update = (): void => {
    const value = compute(a.get(), b.get());
    if (!same($derived.get(), value)) $derived.set(value);
  };
  a.listen(update);
  b.listen(update);
  return $derived;
};
/** How many `per` the available credits cover, whole (a negative balance covers none). */
const covers = (balance: PoolBalance, per: number): number => Math.floor(Math.max(0, balance.available) / per);

/**
 * A client for one sub-account. Creating it only checks the options (and refuses secret keys): nothing
 * is fetched until `load()`, `connect()` or a method is called.
 */
export function createClient(options: ClientOptions): CreditkitClient {
  const config = readConfig(options);
  const $connection = atom<ConnectionState>('idle');
  const $stale = atom(false);
  const $error = atom<CreditkitError | null>(null);
  const setError = (error: CreditkitError): CreditkitError => {
    $error.set(error);
    return error;
  };
  const core = createCore(config, (error) => {
    $connection.set('signed-out');
    setError(error);
  });

  const $balances = perPool(() => atom<PoolBalance | null>(null));
  const $seq = atom(-1);
  const $brand = atom<Brand | null>(null);
  const $subAccount = atom<{ id: string; name: string } | null>(null);
  const $locale = atom(config.locale);
  const $currency = atom<string | null>(null);
  const $billingMode = atom<BillingMode | null>(null);
  const $autoRefill = atom<AutoRefill | null>(null);
  const $plans = atom<Plan[]>([]);
  const $currentPlanId = atom<string | null>(null);
  const $packs = atom<Pack[]>([]);
  const $customQuantities = atom<CustomQuantity[]>([]);
  const $rateCard = atom<RateCard | null>(null);
  const $purchases = atom<Readonly<Record<string, Purchase>>>({});
  const $transition = atom<StatusTransition | null>(null);
  const $currentPlan = derive($plans, $currentPlanId, (plans, id) => plans.find((p) => p.id === id) ?? null);

  // Coalesced writes: at most one flush per 100 ms, so no store is written more than 10 times a second;
  // an unchanged value (deep-equal) is not written at all.
  const pending = new Map<WritableAtom<unknown>, unknown>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let lastFlush = 0;
  const flush = (): void => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    lastFlush = Date.now();
    const writes = [...pending];
    pending.clear();
    for (const [store, value] of writes) store.set(value);
  };
  const put = <T>(store: WritableAtom<T>, value: T): void => {
    const key = store as WritableAtom<unknown>;
    if (same(store.get(), value)) pending.delete(key);
    else pending.set(key, value);
    if (!flushTimer && pending.size) flushTimer = setTimeout(flush, Math.max(0, lastFlush + 100 - Date.now()));
  };

  /** Usage charged per pool since `recentFrom` (server ms): the bootstrap's last days, then each balance's. */
  const $recent = atom<WidgetBootstrap['recentUsage'] | null>(null);
  let recentFrom = 0;
  const applied: Partial<Record<Pool, PoolBalance>> = {};
  let appliedSeq = -1;
  let planSeq = -1;
  /** Applies a snapshot unless a newer one was applied: the seq shown never goes back (29). */
  const applyBalances = (balances: Balances): void => {
    if (balances.seq < appliedSeq) return;
    appliedSeq = balances.seq;
    let recent = $recent.get();
    for (const pool of POOLS) {
      const balance = balances[pool];
      const last = applied[pool];
      applied[pool] = balance;
      put($balances[pool], balance);
      if (!last) continue;
      const from = last.status;
      if (from !== balance.status) $transition.set({ pool, from, to: balance.status, balance });
      // Used since the last snapshot (`usedThisPeriod` starts again from 0 in a new period).
      const used = balance.usedThisPeriod - (balance.usedThisPeriod < last.usedThisPeriod ? 0 : last.usedThisPeriod);
      if (recent && used)
        recent = { ...recent, [pool]: recent[pool] + used, days: (core.serverNow() - recentFrom) / DAY };
    }
    if (recent) put($recent, recent);
    put($seq, balances.seq);
    $stale.set(false);
  };

  const live = createLive(config, core, {
    event(event: StreamEvent) {
      if (event.type === 'balance') {
        // The change started from `prevSeq`: holding less means something was missed, re-read it (29).
        if (event.prevSeq > appliedSeq) revalidate();
        applyBalances(event.balances);
      } else if (event.type === 'purchase') track(event.purchase);
      else if (event.seq >= planSeq) {
        planSeq = event.seq;
        put($currentPlanId, event.currentPlanId);
        put($rateCard, event.rateCard);
      }
    },
    revalidate: () => refresh(),
    state: (state) => $connection.set(state),
    error: (error) => {
      setError(error);
      revalidate();
    },
  });

  let users = 0;
  let loading: Promise<void> | null = null;
  const startLive = (): void => {
    if (users) live.start();
  };
  /**
   * Builds the formatters the first render needs (~100 ms on a slow phone) while the bootstrap is on its
   * way. The agency's locale and currency come with it: the `locale` option or the browser's stands in, and
   * USD for the currency (the slow part is the locale's number data, which every currency shares).
   */
  const warm = (): void => {
    const locale = config.locale ?? globalThis.navigator?.language;
    formatNumber(0, locale);
    formatCredits(0, locale);
    formatMoney({ amount: 0, currency: 'USD' }, locale);
    formatDate(0, locale);
  };
  const load = (): Promise<void> => {
    if (loading) return loading;
    (globalThis.requestIdleCallback ?? setTimeout)(warm);
    return (loading = core.request('GET', '/v1/widget', schemas.WidgetBootstrap).then(
      (w) => {
        core.syncTime(w.serverTime);
        $brand.set(w.brand);
        $subAccount.set(w.subAccount);
        $locale.set(config.locale ?? w.locale);
        $currency.set(w.currency);
        $billingMode.set(w.billingMode);
        $autoRefill.set(w.autoRefill);
        $plans.set(w.plans);
        $currentPlanId.set(w.currentPlanId);
        $packs.set(w.packs);
        $customQuantities.set(w.customQuantities);
        $rateCard.set(w.rateCard);
        applyBalances(w.balances);
        $recent.set(w.recentUsage);
        recentFrom = Date.parse(w.serverTime) - w.recentUsage.days * DAY;
        flush();
        live.resumeFrom(w.balances.seq);
        if ($connection.get() === 'error' || $connection.get() === 'signed-out') $connection.set('idle');
        startLive();
      },
      (error: CreditkitError) => {
        loading = null;
        if (!['session', 'config', 'aborted'].includes(error.code)) $connection.set('error');
        throw setError(error);
      },
    ));
  };

  let refreshing: Promise<Balances> | null = null;
  const refresh = (): Promise<Balances> =>
    (refreshing ??= core
      .request('GET', '/v1/balances', schemas.Balances)
      .then(
        (balances) => {
          applyBalances(balances);
          flush();
          return balances;
        },
        (error: CreditkitError) => {
          // The last good data stays on screen, marked stale (26, 28).
          $stale.set(true);
          throw setError(error);
        },
      )
      .finally(() => {
        refreshing = null;
      }));
  const revalidate = (): void => {
    refresh().catch(noop);
  };

  const track = (purchase: Purchase): Purchase => {
    const known = $purchases.get()[purchase.id];
    // A purchase never leaves a final status (events may arrive out of order).
    if (!known || !TERMINAL.includes(known.status) || TERMINAL.includes(purchase.status)) {
      $purchases.set({ ...$purchases.get(), [purchase.id]: purchase });
    }
    // A paid checkout saves the payment method auto-refill uses: re-read the settings the store shows.
    if (purchase.status === 'succeeded' && known?.status !== 'succeeded' && $autoRefill.get())
      autoRefill('GET').catch(noop);
    return purchase;
  };

  // One Idempotency-Key per user intent, reused on every retry; a repeated call joins the first (9, 10).
  const intents = new Map<string, { key: string; promise?: Promise<unknown> | undefined }>();
  const once = <T>(
    id: string,
    key: string | undefined,
    run: (key: string) => Promise<T>,
    keep: boolean,
  ): Promise<T> => {
    let intent = intents.get(id);
    if (!intent) intents.set(id, (intent = { key: key ?? crypto.randomUUID() }));
    const it = intent;
    it.promise ??= run(it.key).then(
      (value) => {
        if (!keep) intents.delete(id);
        return value;
      },
      (error) => {
        it.promise = undefined; // never cache a failure: the next try reuses the key
        throw error;
      },
    );
    return it.promise as Promise<T>;
  };

  /** Reads (GET) or changes (PUT) the auto-refill settings; either way the store follows the server. */
  const autoRefill = (method: 'GET' | 'PUT', body?: AutoRefillSetting): Promise<AutoRefill> =>
    core.request(method, '/v1/auto-refill', schemas.AutoRefill, { body }).then((value) => {
      $autoRefill.set(value);
      return value;
    });

  const getPurchase = (id: string, o: { signal?: AbortSignal } = {}): Promise<Purchase> =>
    core.request('GET', `/v1/purchases/${encodeURIComponent(id)}`, schemas.Purchase, o).then(track);

  const usage: CreditkitClient['usage'] = (query, o = {}) =>
    core.request('GET', '/v1/usage', schemas.UsageSeries, { ...o, query });

  const $runway = perPool((pool) =>
    derive($balances[pool], $recent, (balance, recent) =>
      balance && recent?.[pool] ? covers(balance, recent[pool] / recent.days) : null,
    ),
  );

  const $equivalents = perPool((pool) =>
    derive($balances[pool], $rateCard, (balance, card) => {
      if (!balance || !card) return null;
      const out: Record<string, number> = {};
      for (const [key, rate] of Object.entries(card[pool] as Record<string, number>)) {
        out[key] = rate > 0 ? covers(balance, rate) : 0;
      }
      return out;
    }),
  );

  return {
    apiBase: config.apiBase,
    $connection,
    $stale,
    $error,
    $balances,
    $seq,
    $brand,
    $subAccount,
    $locale,
    $currency,
    $billingMode,
    $autoRefill,
    $plans,
    $currentPlanId,
    $currentPlan,
    $packs,
    $customQuantities,
    $rateCard,
    $purchases,
    $equivalents,
    $runway,
    $transition,
    load,
    connect() {
      let connected = true;
      users++;
      load().then(startLive, noop);
      return () => {
        // Late releases (after destroy() set users to 0) never push the count below zero.
        if (connected && !(users = Math.max(0, users - 1))) live.stop();
        connected = false;
      };
    },
    refresh,
    retry: () =>
      load().then(() => {
        if (!users) return refresh().then(noop);
        live.stop();
        live.start();
      }),
    destroy() {
      users = 0;
      core.close(); // aborts what is in flight; live.start() refuses from now on
      live.stop();
      flush();
    },
    serverNow: core.serverNow,
    quote: (request, o = {}) => core.request('POST', '/v1/quotes', schemas.Quote, { ...o, body: request }),
    purchase(quote, { idempotencyKey, signal, returnUrl } = {}) {
      const quoteId = typeof quote === 'string' ? quote : quote.id;
      return once(
        `purchase ${quoteId}`,
        idempotencyKey,
        (key) =>
          core
            .request('POST', '/v1/purchases', schemas.Purchase, { key, signal, body: { quoteId, returnUrl } })
            .then(track),
        true,
      );
    },
    openCheckout(purchase, target = 'redirect') {
      let url: URL | undefined;
      try {
        url = new URL(purchase.checkoutUrl ?? '');
      } catch {}
      // A URL from data: only https (or the API's own origin in local development) is followed.
      if (!url || (url.protocol !== 'https:' && url.origin !== new URL(config.apiBase).origin)) {
        throw setError(
          new CreditkitError('protocol', 'creditkit: the checkout URL is not a safe https: URL.', {
            endpoint: 'POST /v1/purchases',
          }),
        );
      }
      if (target === 'redirect') {
        location.assign(url.href);
        return null;
      }
      const popup = target === 'popup' ? open(url.href, 'creditkit-checkout', 'popup,width=480,height=720') : target;
      if (!popup) throw new CreditkitError('popup_blocked', 'creditkit: the checkout popup was blocked.');
      if (target !== 'popup') popup.location.href = url.href;
      return popup;
    },
    waitForPurchase(id, { signal, pollMs = 2000 } = {}) {
      return new Promise<Purchase>((resolve, reject) => {
        let settled = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const finish = (purchase: Purchase | null, error?: unknown): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          unlisten();
          signal?.removeEventListener('abort', abort);
          if (!purchase) reject(error);
          // Credits are shown only as the server reports them: re-read balances before saying "done".
          else if (purchase.status === 'succeeded')
            refresh().then(
              () => resolve(purchase),
              () => resolve(purchase),
            );
          else resolve(purchase);
        };
        const check = (purchase: Purchase | undefined): void => {
          if (purchase && TERMINAL.includes(purchase.status)) finish(purchase);
        };
        const abort = (): void =>
          finish(null, new CreditkitError('aborted', 'creditkit: stopped waiting for the purchase.'));
        const unlisten = $purchases.listen((all) => check(all[id]));
        signal?.addEventListener('abort', abort);
        const poll = (): void => {
          getPurchase(id, { signal: signal as AbortSignal })
            .then(check, (error: CreditkitError) => {
              if (!['network', 'timeout', 'internal_error', 'rate_limited'].includes(error.code)) finish(null, error);
            })
            .finally(() => {
              // With the stream live the purchase event usually wins; polling is the fallback.
              if (!settled) timer = setTimeout(poll, $connection.get() === 'live' ? pollMs * 5 : pollMs);
            });
        };
        check($purchases.get()[id]);
        if (!settled) poll();
      });
    },
    getPurchase,
    changePlan(planId, { idempotencyKey, signal } = {}) {
      return once(
        `plan ${planId}`,
        idempotencyKey,
        (key) =>
          core
            .request('POST', '/v1/plan-changes', schemas.PlanChange, { key, signal, body: { planId } })
            .then((change) => {
              put($currentPlanId, change.toPlanId);
              const plan = $plans.get().find((p) => p.id === change.toPlanId);
              if (plan) put($rateCard, plan.rates);
              flush();
              revalidate(); // included credits change with the plan
              return change;
            }),
        false,
      );
    },
    getAutoRefill: () => autoRefill('GET'),
    setAutoRefill: (setting) => autoRefill('PUT', setting),
    requestCredits: (request, { idempotencyKey, signal } = {}) =>
      once(
        `request ${JSON.stringify(request)}`,
        idempotencyKey,
        (key) => core.request('POST', '/v1/credit-requests', schemas.CreditRequest, { key, signal, body: request }),
        false,
      ),
    ledger: (query = {}, o = {}) => core.request('GET', '/v1/ledger', schemas.LedgerPage, { ...o, query }),
    usage,
  };
}

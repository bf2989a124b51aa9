import type {
  AgencySettings,
  AgencyWallet,
  AutoRefill,
  AutoRefillPolicy,
  AutoRefillSetting,
  Balances,
  BillingMode,
  Brand,
  CreditRequest,
  CreditRequestCreate,
  CustomQuantity,
  LedgerPage,
  Money,
  Pack,
  Plan,
  PlanChange,
  Pool,
  Purchase,
  Quote,
  QuoteRequest,
  RateCard,
  StreamEvent,
  SubAccountSettings,
  SubAccountView,
  UsageDetail,
  UsageEventRequest,
  UsageEventResult,
  UsageSeries,
  WidgetBootstrap,
} from '@creditkit/contract';
import { type EventBus, MemoryBus } from './bus.js';
import { type Clock, iso, systemClock } from './clock.js';
import { PlatformError } from './errors.js';
import { newId, randomToken, sha256Hex } from './ids.js';
import type { AccountRecord, AgencyRecord, EntryRecord, PoolState, PurchaseRecord } from './model.js';
import {
  addMonths,
  available,
  capRemaining,
  customPrice,
  debit,
  messagesWithin,
  monthKey,
  POOL_LIST,
  poolStatus,
  secondsWithin,
  smsCost,
  voiceCost,
} from './rules.js';
import { MemoryStore, type Store, type Tx } from './store.js';
import { MAX_SESSION_SECONDS, type SessionClaims, TokenSigner } from './tokens.js';
import { autoRefillView, balancesView, entryView, poolView, purchaseView, quoteView, rateCardOf } from './views.js';

export const QUOTE_TTL_MS = 10 * 60 * 1000;
const DAY_MS = 86_400_000;
/** The window of `recentUsage` in the bootstrap (how long the credits last at the recent pace). */
const RECENT_USAGE_DAYS = 7;

export interface EngineOptions {
  store?: Store;
  bus?: EventBus;
  clock?: Clock;
  /** HMAC key for session tokens; random per instance when omitted. */
  sessionSecret?: string | Uint8Array;
  /** The reference server plugs Stripe in here; the default is the test-mode checkout. */
  gateway?: PaymentGateway;
}

/** Creates the page the client pays on. */
export interface PaymentGateway {
  createCheckout(purchase: PurchaseRecord, apiOrigin: string): Promise<{ url: string }>;
}

export const testGateway: PaymentGateway = {
  async createCheckout(p, apiOrigin) {
    return { url: `${apiOrigin}/v1/test-checkout/${p.id}?token=${encodeURIComponent(p.checkoutToken)}` };
  },
};

/** A payment gateway's word that a purchase was paid (or not): the only path to a purchase grant. */
export interface PaymentConfirmation {
  purchaseId: string;
  agencyId: string;
  amount: Money;
  outcome: 'succeeded' | 'failed' | 'canceled' | 'processing';
  paymentMethod?: { brand: string; last4: string } | null;
}

export interface AgencyInput {
  id?: string;
  name: string;
  secretKey?: string;
  billingMode: BillingMode;
  brand: Brand;
  locale: string;
  currency: string;
  autoRefillPolicy: AutoRefillPolicy;
  allowedOrigins: string[];
  plans: Plan[];
  packs: Pack[];
  customQuantities: CustomQuantity[];
  platformRates: RateCard;
  wallet: Record<Pool, number>;
}

export interface SubAccountInput {
  id?: string;
  name: string;
  planId: string;
  lowThresholds?: Partial<Record<Pool, number>>;
  caps?: Partial<Record<Pool, number | null>>;
}

export interface Ctx {
  tx: Tx;
  now: number;
  events: { accountId: string; event: StreamEvent }[];
}

interface Loaded {
  account: AccountRecord;
  agency: AgencyRecord;
}

/**
 * The credit engine: every rule of DESIGN.md §2 applied over a Store. Each public method is one
 * transaction; events are published only after it commits.
 */
export class Engine {
  readonly store: Store;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly #signer: TokenSigner;
  readonly #gateway: PaymentGateway;

  constructor(options: EngineOptions = {}) {
    this.store = options.store ?? new MemoryStore();
    this.bus = options.bus ?? new MemoryBus();
    this.clock = options.clock ?? systemClock;
    this.#signer = new TokenSigner(options.sessionSecret ?? crypto.getRandomValues(new Uint8Array(32)));
    this.#gateway = options.gateway ?? testGateway;
  }

  now(): number {
    return this.clock.now();
  }

  /** Runs `work` in one transaction and publishes its events after commit. */
  async run<T>(work: (ctx: Ctx) => Promise<T>): Promise<T> {
    const ctx: Ctx = { tx: undefined as unknown as Tx, now: this.clock.now(), events: [] };
    const result = await this.store.transaction((tx) => {
      ctx.tx = tx;
      ctx.events = [];
      return work(ctx);
    });
    for (const { accountId, event } of ctx.events) this.bus.publish(accountId, { kind: 'event', event });
    return result;
  }

  // ------------------------------------------------------------------------------------------
  // Agencies, keys and sessions

  async createAgency(input: AgencyInput): Promise<{ agencyId: string; secretKey: string }> {
    const secretKey = input.secretKey ?? `ck_sk_test_${randomToken(24)}`;
    const hash = await sha256Hex(secretKey);
    const id = input.id ?? newId('ag');
    await this.run(async ({ tx }) => {
      const record: AgencyRecord = {
        id,
        name: input.name,
        secretKeyHash: hash,
        billingMode: input.billingMode,
        brand: input.brand,
        locale: input.locale,
        currency: input.currency,
        autoRefillPolicy: input.autoRefillPolicy,
        allowedOrigins: input.allowedOrigins,
        plans: input.plans,
        packs: input.packs,
        customQuantities: input.customQuantities,
        platformRates: input.platformRates,
        wallet: { ...input.wallet },
        walletSeq: 0,
      };
      await tx.put('agencies', id, record);
      await tx.put('agencyKeys', hash, { agencyId: id });
    });
    return { agencyId: id, secretKey };
  }

  /** The agency a secret key belongs to, or an `unauthorized` error. */
  async authenticateSecret(secretKey: string): Promise<string> {
    const hash = await sha256Hex(secretKey);
    const found = await this.run(({ tx }) => tx.get('agencyKeys', hash));
    if (!found) throw new PlatformError('unauthorized', 'Unknown secret key.');
    return found.agencyId;
  }

  async mintSession(
    agencyId: string,
    subAccountId: string,
    ttlSeconds = MAX_SESSION_SECONDS,
  ): Promise<{ token: string; expiresAt: string; serverTime: string }> {
    const ttl = Math.min(Math.max(1, Math.floor(ttlSeconds)), MAX_SESSION_SECONDS);
    return this.run(async (ctx) => {
      const account = await ctx.tx.get('accounts', subAccountId);
      if (!account || account.agencyId !== agencyId) throw new PlatformError('not_found', 'No such sub-account.');
      const exp = Math.floor(ctx.now / 1000) + ttl;
      const jti = newId('ses');
      await ctx.tx.put('sessions', jti, { jti, accountId: subAccountId, revoked: false, expiresAt: exp * 1000 });
      const token = await this.#signer.sign({ sub: subAccountId, agy: agencyId, jti, exp });
      return { token, expiresAt: iso(exp * 1000), serverTime: iso(ctx.now) };
    });
  }

  /** Claims of a valid session token; `unauthorized` or `session_expired` otherwise. */
  async verifySession(token: string): Promise<SessionClaims> {
    const claims = await this.#signer.verify(token);
    if (!claims) throw new PlatformError('unauthorized', 'Invalid session token.');
    if (claims.exp * 1000 <= this.clock.now()) throw new PlatformError('session_expired', 'The session has expired.');
    const session = await this.run(({ tx }) => tx.get('sessions', claims.jti));
    if (!session || session.revoked) throw new PlatformError('unauthorized', 'The session was revoked.');
    return claims;
  }

  async revokeSession(jti: string): Promise<void> {
    await this.run(async ({ tx }) => {
      const session = await tx.get('sessions', jti);
      if (session) await tx.put('sessions', jti, { ...session, revoked: true });
    });
    const session = await this.run(({ tx }) => tx.get('sessions', jti));
    if (session) this.bus.publish(session.accountId, { kind: 'revoked', jti });
  }

  // ------------------------------------------------------------------------------------------
  // Sub-accounts

  async createSubAccount(agencyId: string, input: SubAccountInput): Promise<SubAccountView> {
    return this.run(async (ctx) => {
      const agency = await this.#agency(ctx, agencyId);
      const plan = this.#plan(agency, input.planId);
      const id = input.id ?? newId('sa');
      if (await ctx.tx.get('accounts', id)) throw new PlatformError('invalid_request', `Sub-account ${id} exists.`);
      const pool = (p: Pool): PoolState => ({
        included: 0,
        includedGranted: 0,
        purchased: 0,
        usedThisPeriod: 0,
        purchasedThisPeriod: 0,
        lowThreshold: input.lowThresholds?.[p] ?? Math.round(plan.included[p] * 0.2),
        cap: input.caps?.[p] !== undefined ? (input.caps[p] ?? null) : plan.caps[p],
        capFromPlan: input.caps?.[p] === undefined,
      });
      const refill = (p: Pool): AutoRefillSetting => ({
        pool: p,
        enabled: false,
        threshold: 0,
        packId: null,
        maxPerMonth: 0,
      });
      const account: AccountRecord = {
        id,
        agencyId,
        name: input.name,
        planId: plan.id,
        seq: 0,
        periodStart: ctx.now,
        periodEnd: addMonths(ctx.now, 1, new Date(ctx.now).getUTCDate()),
        pools: { voice: pool('voice'), sms: pool('sms') },
        autoRefill: { voice: refill('voice'), sms: refill('sms') },
        refillMonth: monthKey(ctx.now),
        refillsThisMonth: { voice: 0, sms: 0 },
        paymentMethod: null,
        createdAt: ctx.now,
      };
      for (const p of POOL_LIST) {
        const grant = plan.included[p];
        account.pools[p].includedGranted = grant;
        await this.#entry(
          ctx,
          account,
          p,
          'included_grant',
          { included: grant, purchased: 0 },
          {
            description: `${plan.name}: included credits`,
          },
        );
      }
      await this.#save(ctx, { account, agency });
      return this.#subAccountView({ account, agency });
    });
  }

  async getSubAccount(agencyId: string, id: string): Promise<SubAccountView> {
    return this.run(async (ctx) => this.#subAccountView(await this.#ownedAccount(ctx, agencyId, id)));
  }

  async updateSubAccount(agencyId: string, id: string, settings: SubAccountSettings): Promise<SubAccountView> {
    return this.run(async (ctx) => {
      const loaded = await this.#ownedAccount(ctx, agencyId, id);
      if (settings.planId && settings.planId !== loaded.account.planId)
        await this.#switchPlan(ctx, loaded, settings.planId);
      for (const p of POOL_LIST) {
        const low = settings.lowThresholds?.[p];
        if (low !== undefined) loaded.account.pools[p].lowThreshold = low;
        const cap = settings.caps?.[p];
        if (cap !== undefined) Object.assign(loaded.account.pools[p], { cap, capFromPlan: false });
      }
      this.#bump(ctx, loaded);
      await this.#save(ctx, loaded);
      return this.#subAccountView(loaded);
    });
  }

  /** Credits assigned by hand (millicredits). Pass `ctx` to run inside `idempotent()`. */
  async manualGrant(
    agencyId: string,
    id: string,
    grant: { pool: Pool; credits: number; note?: string | undefined },
    within?: Ctx,
  ): Promise<SubAccountView> {
    return this.#within(within, async (ctx) => {
      const loaded = await this.#ownedAccount(ctx, agencyId, id);
      // Hand-assigned credits behave like purchased ones: they never expire.
      await this.#entry(
        ctx,
        loaded.account,
        grant.pool,
        'manual_grant',
        { included: 0, purchased: grant.credits },
        {
          description: grant.note?.trim() || 'Credits assigned by your provider',
        },
      );
      await this.#save(ctx, loaded);
      return this.#subAccountView(loaded);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Agency settings and wallet

  async updateAgency(agencyId: string, settings: AgencySettings): Promise<void> {
    await this.run(async (ctx) => {
      const agency = await this.#agency(ctx, agencyId);
      if (settings.billingMode) agency.billingMode = settings.billingMode;
      if (settings.brand) agency.brand = { ...agency.brand, ...settings.brand } as Brand;
      if (settings.autoRefillPolicy) agency.autoRefillPolicy = settings.autoRefillPolicy;
      if (settings.allowedOrigins) agency.allowedOrigins = settings.allowedOrigins;
      await ctx.tx.put('agencies', agencyId, agency);
    });
  }

  async updateCatalog(
    agencyId: string,
    catalog: {
      plans?: Plan[] | undefined;
      packs?: Pack[] | undefined;
      customQuantities?: CustomQuantity[] | undefined;
    },
  ): Promise<void> {
    await this.run(async (ctx) => {
      const agency = await this.#agency(ctx, agencyId);
      if (catalog.plans) agency.plans = catalog.plans;
      if (catalog.packs) agency.packs = catalog.packs;
      if (catalog.customQuantities) agency.customQuantities = catalog.customQuantities;
      await ctx.tx.put('agencies', agencyId, agency);
    });
  }

  async wallet(agencyId: string): Promise<AgencyWallet> {
    return this.run(async (ctx) => this.#walletView(await this.#agency(ctx, agencyId)));
  }

  /** Adds credits to (or, with `set`, sets) the agency's own wallet; pausing flips reach every client. */
  async topUpWallet(
    agencyId: string,
    pool: Pool,
    credits: number,
    mode: 'add' | 'set' = 'add',
    within?: Ctx,
  ): Promise<AgencyWallet> {
    return this.#within(within, async (ctx) => {
      const agency = await this.#agency(ctx, agencyId);
      const before = { ...agency.wallet };
      const delta = mode === 'add' ? credits : credits - agency.wallet[pool];
      await this.#walletEntry(ctx, agency, pool, mode === 'add' ? 'wallet_top_up' : 'wallet_set', delta);
      await this.#walletChanged(ctx, agency, before, null);
      await ctx.tx.put('agencies', agencyId, agency);
      return this.#walletView(agency);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Widget reads

  async bootstrap(accountId: string): Promise<WidgetBootstrap> {
    return this.run(async (ctx) => {
      const loaded = await this.#load(ctx, accountId);
      await this.#save(ctx, loaded);
      const { account, agency } = loaded;
      // Usage charged in the last 7 days, so the widgets need no second request before first render.
      const recentUsage = { days: RECENT_USAGE_DAYS, voice: 0, sms: 0 };
      const from = ctx.now - RECENT_USAGE_DAYS * DAY_MS;
      for (const e of await ctx.tx.entries(accountId, { kind: 'usage', from, to: ctx.now + 1 })) {
        recentUsage[e.pool] -= e.delta.included + e.delta.purchased;
      }
      recentUsage.voice = Math.max(0, recentUsage.voice);
      recentUsage.sms = Math.max(0, recentUsage.sms);
      return {
        serverTime: iso(ctx.now),
        brand: agency.brand,
        subAccount: { id: account.id, name: account.name },
        locale: agency.locale,
        currency: agency.currency,
        billingMode: agency.billingMode,
        autoRefill: autoRefillView(account, agency, monthKey(ctx.now)),
        balances: balancesView(account, agency),
        plans: agency.plans,
        currentPlanId: account.planId,
        packs: agency.packs,
        customQuantities: agency.billingMode === 'in_app' ? agency.customQuantities : [],
        rateCard: rateCardOf(account, agency),
        recentUsage,
      };
    });
  }

  async balances(accountId: string): Promise<Balances> {
    return this.run(async (ctx) => {
      const loaded = await this.#load(ctx, accountId);
      await this.#save(ctx, loaded);
      return balancesView(loaded.account, loaded.agency);
    });
  }

  async ledger(
    accountId: string,
    q: { pool?: Pool | undefined; cursor?: number | undefined; limit?: number | undefined },
  ): Promise<LedgerPage> {
    return this.run(async (ctx) => {
      const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
      const entries = await ctx.tx.entries(accountId, { pool: q.pool, beforeSeq: q.cursor, limit: limit + 1 });
      const page = entries.slice(0, limit);
      const last = page[page.length - 1];
      return {
        entries: page.map(entryView),
        nextCursor: entries.length > limit && last ? String(last.seq) : null,
      };
    });
  }

  async usage(accountId: string, q: { pool: Pool; from: string; to: string }): Promise<UsageSeries> {
    const from = Date.parse(`${q.from}T00:00:00Z`);
    const to = Date.parse(`${q.to}T00:00:00Z`) + DAY_MS;
    if (!(to > from) || to - from > 366 * DAY_MS) {
      throw new PlatformError('invalid_request', '`from` must not be after `to`, and the range is at most 366 days.');
    }
    return this.run(async (ctx) => {
      const entries = await ctx.tx.entries(accountId, { pool: q.pool, kind: 'usage', from, to, order: 'asc' });
      const buckets = new Map<string, UsageSeries['buckets'][number]>();
      for (let t = from; t < to; t += DAY_MS) {
        const day = iso(t).slice(0, 10);
        buckets.set(day, { day, credits: 0, byKey: {}, seconds: 0, messages: 0 });
      }
      for (const e of entries) {
        const b = buckets.get(iso(e.createdAt).slice(0, 10));
        if (!b || !e.usage) continue;
        const charged = -(e.delta.included + e.delta.purchased);
        b.credits += charged;
        const key = e.usage.kind === 'voice' ? e.usage.provider : e.usage.country;
        b.byKey[key] = (b.byKey[key] ?? 0) + charged;
        if (e.usage.kind === 'voice') b.seconds += e.usage.seconds;
        else b.messages += e.usage.count;
      }
      return { pool: q.pool, from: q.from, to: q.to, bucket: 'day', buckets: [...buckets.values()] };
    });
  }

  // ------------------------------------------------------------------------------------------
  // Quotes and purchases

  async quote(accountId: string, request: QuoteRequest): Promise<Quote> {
    return this.run(async (ctx) => {
      const { agency } = await this.#load(ctx, accountId);
      if (agency.billingMode === 'external') {
        throw new PlatformError(
          'billing_mode_external',
          'Your provider bills outside the platform: request credits instead.',
        );
      }
      let credits: number;
      let amount: Money;
      let packId: string | null = null;
      if ('packId' in request) {
        const pack = agency.packs.find((p) => p.id === request.packId && p.pool === request.pool);
        if (!pack) throw new PlatformError('pack_not_found', `No ${request.pool} pack ${request.packId}.`);
        ({ credits, price: amount } = pack);
        packId = pack.id;
      } else {
        const custom = agency.customQuantities.find((q) => q.pool === request.pool);
        const price = custom ? customPrice(custom, request.credits) : null;
        if (!custom || !price) {
          throw new PlatformError(
            'quantity_out_of_range',
            custom
              ? `Choose a whole number of credits between ${custom.minCredits / 1000} and ${custom.maxCredits / 1000}.`
              : `Custom quantities are not offered for ${request.pool}.`,
          );
        }
        credits = request.credits;
        amount = price;
      }
      const quote = {
        id: newId('qt'),
        accountId,
        agencyId: agency.id,
        pool: request.pool,
        packId,
        credits,
        amount,
        expiresAt: ctx.now + QUOTE_TTL_MS,
        createdAt: ctx.now,
        purchaseId: null,
      };
      await ctx.tx.put('quotes', quote.id, quote);
      return quoteView(quote);
    });
  }

  /** Pays a quote: the amount is the quote's, never the browser's. Call inside `idempotent()`. */
  async purchase(
    ctx: Ctx,
    accountId: string,
    request: { quoteId: string; returnUrl?: string | undefined },
    apiOrigin: string,
  ): Promise<Purchase> {
    const { agency } = await this.#load(ctx, accountId);
    if (agency.billingMode === 'external') {
      throw new PlatformError(
        'billing_mode_external',
        'Your provider bills outside the platform: request credits instead.',
      );
    }
    if (request.returnUrl !== undefined && !isAllowedOrigin(request.returnUrl, agency.allowedOrigins)) {
      throw new PlatformError('return_url_not_allowed', "The return URL is not on the agency's registered origins.");
    }
    const quote = await ctx.tx.get('quotes', request.quoteId);
    if (!quote || quote.accountId !== accountId) throw new PlatformError('quote_not_found', 'No such quote.');
    if (quote.purchaseId) throw new PlatformError('quote_used', 'This quote was already paid for: ask for a new one.');
    if (quote.expiresAt <= ctx.now) throw new PlatformError('quote_expired', 'The quote expired: ask for a new one.');
    const purchase: PurchaseRecord = {
      id: newId('pur'),
      accountId,
      agencyId: agency.id,
      quoteId: quote.id,
      pool: quote.pool,
      credits: quote.credits,
      amount: quote.amount,
      status: 'requires_payment',
      kind: 'checkout',
      checkoutToken: randomToken(18),
      checkoutUrl: null,
      returnUrl: request.returnUrl ?? null,
      createdAt: ctx.now,
      granted: false,
      refunded: false,
      failureCode: null,
    };
    purchase.checkoutUrl = (await this.#gateway.createCheckout(purchase, apiOrigin)).url;
    await ctx.tx.put('quotes', quote.id, { ...quote, purchaseId: purchase.id });
    await ctx.tx.put('purchases', purchase.id, purchase);
    return purchaseView(purchase);
  }

  async getPurchase(accountId: string, id: string): Promise<Purchase> {
    return this.run(async ({ tx }) => {
      const p = await tx.get('purchases', id);
      if (!p) throw new PlatformError('not_found', 'No such purchase.');
      if (p.accountId !== accountId) throw new PlatformError('forbidden', 'This purchase belongs to another account.');
      return purchaseView(p);
    });
  }

  /** The purchase behind a test-mode checkout, if the token matches. */
  async checkoutPurchase(id: string, token: string): Promise<PurchaseRecord> {
    const p = await this.run(({ tx }) => tx.get('purchases', id));
    if (!p || !constantTimeEqual(p.checkoutToken, token)) throw new PlatformError('not_found', 'No such checkout.');
    return p;
  }

  /** The test-mode gateway: paying, failing or cancelling confirms through the same path as a real gateway. */
  async completeTestCheckout(id: string, token: string, action: 'pay' | 'fail' | 'cancel'): Promise<Purchase> {
    const p = await this.checkoutPurchase(id, token);
    const outcome = action === 'pay' ? 'succeeded' : action === 'fail' ? 'failed' : 'canceled';
    return this.confirmPayment({
      purchaseId: p.id,
      agencyId: p.agencyId,
      amount: p.amount,
      outcome,
      paymentMethod: { brand: 'visa', last4: '4242' },
    });
  }

  /**
   * Applies a gateway's confirmation. Credits are granted exactly once, only for a payment of the
   * purchase's exact amount and currency on its agency's account; a late success still grants
   * (the money was taken), a late failure after success changes nothing.
   */
  async confirmPayment(c: PaymentConfirmation): Promise<Purchase> {
    return this.run(async (ctx) => {
      const p = await ctx.tx.get('purchases', c.purchaseId);
      if (!p) throw new PlatformError('not_found', 'No such purchase.');
      if (p.agencyId !== c.agencyId || p.amount.amount !== c.amount.amount || p.amount.currency !== c.amount.currency) {
        throw new PlatformError('payment_mismatch', 'The payment does not match the purchase: nothing granted.');
      }
      if (p.granted) return purchaseView(p);
      const loaded = await this.#load(ctx, p.accountId);
      if (c.outcome === 'succeeded') {
        p.status = 'succeeded';
        p.granted = true;
        p.failureCode = null;
        if (c.paymentMethod) loaded.account.paymentMethod = c.paymentMethod;
        await this.#grantPurchase(ctx, loaded, p, 'purchase');
      } else if (p.status === 'requires_payment' || p.status === 'processing') {
        p.status = c.outcome;
        if (c.outcome !== 'processing') p.failureCode = c.outcome === 'failed' ? 'payment_failed' : 'canceled';
        this.#emit(ctx, p.accountId, { type: 'purchase', seq: loaded.account.seq, purchase: purchaseView(p) });
      }
      await ctx.tx.put('purchases', p.id, p);
      await this.#save(ctx, loaded);
      return purchaseView(p);
    });
  }

  /** Refund: a reversing entry, never a deletion. Spent credits can leave the pool negative. */
  async refund(agencyId: string, purchaseId: string, within?: Ctx): Promise<Purchase> {
    return this.#within(within, async (ctx) => {
      const p = await ctx.tx.get('purchases', purchaseId);
      if (!p || p.agencyId !== agencyId) throw new PlatformError('not_found', 'No such purchase.');
      if (!p.granted || p.refunded) {
        throw new PlatformError(
          'purchase_not_refundable',
          'Only a granted, not yet refunded purchase can be refunded.',
        );
      }
      const loaded = await this.#load(ctx, p.accountId);
      // Credits bought this period raised the cap: refunding them takes that back too.
      const period = await ctx.tx.entries(p.accountId, { pool: p.pool, from: loaded.account.periodStart });
      if (period.some((e) => e.purchaseId === p.id && e.kind !== 'refund')) {
        const state = loaded.account.pools[p.pool];
        state.purchasedThisPeriod = Math.max(0, state.purchasedThisPeriod - p.credits);
      }
      p.refunded = true;
      await this.#entry(
        ctx,
        loaded.account,
        p.pool,
        'refund',
        { included: 0, purchased: -p.credits },
        {
          description: 'Refund',
          purchaseId: p.id,
        },
      );
      await ctx.tx.put('purchases', p.id, p);
      this.#emit(ctx, p.accountId, { type: 'purchase', seq: loaded.account.seq, purchase: purchaseView(p) });
      await this.#save(ctx, loaded);
      return purchaseView(p);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Plans, auto-refill, credit requests

  /** Call inside `idempotent()`. */
  async changePlan(ctx: Ctx, accountId: string, planId: string): Promise<PlanChange> {
    const loaded = await this.#load(ctx, accountId);
    if (loaded.account.planId === planId) throw new PlatformError('plan_unchanged', 'You are already on this plan.');
    const change = await this.#switchPlan(ctx, loaded, planId);
    await this.#save(ctx, loaded);
    return {
      id: change.id,
      fromPlanId: change.fromPlanId,
      toPlanId: change.toPlanId,
      status: 'succeeded',
      effectiveAt: iso(change.effectiveAt),
    };
  }

  async getAutoRefill(accountId: string): Promise<AutoRefill> {
    return this.run(async (ctx) => {
      const { account, agency } = await this.#load(ctx, accountId);
      return autoRefillView(account, agency, monthKey(ctx.now));
    });
  }

  async putAutoRefill(accountId: string, setting: AutoRefillSetting): Promise<AutoRefill> {
    return this.run(async (ctx) => {
      const loaded = await this.#load(ctx, accountId);
      const { policy } = { policy: loaded.agency.autoRefillPolicy };
      if (setting.enabled) {
        if (!policy.allowed || loaded.agency.billingMode === 'external') {
          throw new PlatformError('auto_refill_not_allowed', 'Your provider does not offer auto-refill.');
        }
        const pack = loaded.agency.packs.find((p) => p.id === setting.packId);
        if (!pack || pack.pool !== setting.pool || !policy.packIds.includes(pack.id)) {
          throw new PlatformError(
            'auto_refill_not_allowed',
            'Choose one of the packs your provider allows for auto-refill.',
          );
        }
        if (setting.maxPerMonth < 1 || setting.maxPerMonth > policy.maxPerMonth) {
          throw new PlatformError('auto_refill_not_allowed', `Choose 1 to ${policy.maxPerMonth} refills per month.`);
        }
      }
      loaded.account.autoRefill[setting.pool] = setting;
      this.#bump(ctx, loaded);
      await this.#maybeAutoRefill(ctx, loaded, setting.pool);
      await this.#save(ctx, loaded);
      return autoRefillView(loaded.account, loaded.agency, monthKey(ctx.now));
    });
  }

  /** Call inside `idempotent()`. */
  async createCreditRequest(ctx: Ctx, accountId: string, body: CreditRequestCreate): Promise<CreditRequest> {
    const { agency } = await this.#load(ctx, accountId);
    if (agency.billingMode !== 'external') {
      throw new PlatformError('billing_mode_in_app', 'Buy credits directly: your provider sells them in the app.');
    }
    const record = {
      id: newId('cr'),
      accountId,
      pool: body.pool,
      credits: body.credits,
      message: body.message ?? '',
      status: 'open' as const,
      createdAt: ctx.now,
    };
    await ctx.tx.put('creditRequests', record.id, record);
    const { accountId: _omit, ...view } = record;
    return { ...view, createdAt: iso(record.createdAt) };
  }

  // ------------------------------------------------------------------------------------------
  // Usage (agency/platform API)

  /**
   * Charges one usage event to the client (agency rates) and the agency wallet (platform rates) in
   * one step: both or neither. Serves only what both can pay for; the rest is cut off.
   */
  async recordUsage(agencyId: string, event: UsageEventRequest): Promise<UsageEventResult> {
    const bodyHash = await sha256Hex(canonicalJson(event));
    return this.run(async (ctx) => {
      const key = `${agencyId}:${event.id}`;
      const prior = await ctx.tx.get('usageEvents', key);
      if (prior) {
        if (prior.bodyHash !== bodyHash) {
          throw new PlatformError('usage_event_conflict', `Usage event ${event.id} was recorded with other values.`);
        }
        return { ...prior.result, replayed: true };
      }
      const loaded = await this.#ownedAccount(ctx, agencyId, event.subAccountId);
      const { account, agency } = loaded;
      const pool = account.pools[event.pool];
      const rates = rateCardOf(account, agency);
      const clientRate = event.pool === 'voice' ? rates.voice[event.provider] : rates.sms[event.country];
      const agencyRate =
        event.pool === 'voice' ? agency.platformRates.voice[event.provider] : agency.platformRates.sms[event.country];
      if (clientRate === undefined || agencyRate === undefined) {
        throw new PlatformError(
          'rate_not_found',
          `No ${event.pool} rate for ${event.pool === 'voice' ? event.provider : event.country}.`,
        );
      }
      const status = poolStatus(pool, agency.wallet[event.pool]);
      if (status === 'paused') throw new PlatformError('service_paused', 'Service paused by your provider.');
      if (status === 'capped') throw new PlatformError('usage_capped', 'The usage cap for this period is reached.');
      if (status === 'depleted') throw new PlatformError('insufficient_credits', 'No credits left in this pool.');

      const clientBudget = Math.min(available(pool), capRemaining(pool));
      const agencyBudget = agency.wallet[event.pool];
      let served: number;
      let clientMax: number;
      let agencyMax: number;
      let clientCharge: number;
      let agencyCharge: number;
      let usage: UsageDetail;
      let requested: UsageDetail;
      if (event.pool === 'voice') {
        clientMax = secondsWithin(clientBudget, clientRate);
        agencyMax = secondsWithin(agencyBudget, agencyRate);
        served = Math.min(event.seconds, clientMax, agencyMax);
        clientCharge = voiceCost(served, clientRate);
        agencyCharge = voiceCost(served, agencyRate);
        // Cut off mid-call: the side that ran out also pays the second it started with what it had
        // left, so it reaches exactly zero (and shows depleted / capped / paused), never below.
        if (served < event.seconds) {
          if (served === clientMax) clientCharge = clientBudget;
          if (served === agencyMax) agencyCharge = agencyBudget;
        }
        usage = { kind: 'voice', seconds: served, provider: event.provider };
        requested = { kind: 'voice', seconds: event.seconds, provider: event.provider };
      } else {
        clientMax = messagesWithin(clientBudget, clientRate);
        agencyMax = messagesWithin(agencyBudget, agencyRate);
        served = Math.min(event.count, clientMax, agencyMax);
        clientCharge = smsCost(served, clientRate);
        agencyCharge = smsCost(served, agencyRate);
        usage = { kind: 'sms', count: served, country: event.country };
        requested = { kind: 'sms', count: event.count, country: event.country };
      }
      if (served === 0 && event.pool === 'sms') {
        // A message is sent whole or not at all: refuse when not even one fits.
        if (agencyMax === 0) throw new PlatformError('service_paused', 'Service paused by your provider.');
        throw capRemaining(pool) < available(pool)
          ? new PlatformError('usage_capped', 'The usage cap for this period is reached.')
          : new PlatformError('insufficient_credits', 'Not enough credits for any of this usage.');
      }
      const walletBefore = { ...agency.wallet };
      pool.usedThisPeriod += clientCharge;
      const what =
        event.pool === 'voice' ? `${served} s voice (${event.provider})` : `${served} SMS to ${event.country}`;
      await this.#entry(ctx, account, event.pool, 'usage', debit(pool, clientCharge), {
        description: what,
        usage,
        usageEventId: event.id,
      });
      await this.#walletEntry(ctx, agency, event.pool, 'wallet_usage', -agencyCharge, `${what} for ${account.name}`);
      await this.#walletChanged(ctx, agency, walletBefore, account.id);
      await this.#maybeAutoRefill(ctx, loaded, event.pool);
      await ctx.tx.put('agencies', agency.id, agency);
      await this.#save(ctx, loaded);
      const result: UsageEventResult = {
        id: event.id,
        subAccountId: account.id,
        pool: event.pool,
        charged: { client: clientCharge, agency: agencyCharge },
        usage,
        requested,
        cutOff: served < (event.pool === 'voice' ? event.seconds : event.count),
        status: poolStatus(account.pools[event.pool], agency.wallet[event.pool]),
        seq: account.seq,
        replayed: false,
      };
      await ctx.tx.put('usageEvents', key, { key, bodyHash, result });
      return result;
    });
  }

  // ------------------------------------------------------------------------------------------
  // Idempotency

  /**
   * Runs a money operation once per (scope, key): a retry with the same body replays the first
   * response; the same key with another body is `idempotency_key_mismatch`. The record and the
   * operation commit together, so concurrent duplicates yield one winner and one replay.
   */
  async idempotent<T>(
    scope: string,
    key: string,
    body: unknown,
    work: (ctx: Ctx) => Promise<T>,
  ): Promise<{ body: T; replayed: boolean }> {
    const bodyHash = await sha256Hex(canonicalJson(body));
    const id = `${scope}:${key}`;
    return this.run(async (ctx) => {
      const prior = await ctx.tx.get('idempotency', id);
      if (prior) {
        if (prior.bodyHash !== bodyHash) {
          throw new PlatformError(
            'idempotency_key_mismatch',
            'This Idempotency-Key was used with a different request.',
          );
        }
        return { body: prior.body as T, replayed: true };
      }
      const result = await work(ctx);
      await ctx.tx.put('idempotency', id, { key: id, bodyHash, status: 200, body: result, createdAt: ctx.now });
      return { body: result, replayed: false };
    });
  }

  // ------------------------------------------------------------------------------------------
  // Internals

  /** Joins the caller's transaction when given one (inside `idempotent()`), else opens one. */
  #within<T>(ctx: Ctx | undefined, work: (ctx: Ctx) => Promise<T>): Promise<T> {
    return ctx ? work(ctx) : this.run(work);
  }

  async #agency(ctx: Ctx, id: string): Promise<AgencyRecord> {
    const agency = await ctx.tx.get('agencies', id);
    if (!agency) throw new PlatformError('not_found', 'No such agency.');
    return agency;
  }

  #plan(agency: AgencyRecord, planId: string): Plan {
    const plan = agency.plans.find((p) => p.id === planId);
    if (!plan) throw new PlatformError('plan_not_found', `No plan ${planId}.`);
    return plan;
  }

  /** Loads an account with its agency and rolls it into the current billing period. */
  async #load(ctx: Ctx, accountId: string): Promise<Loaded> {
    const account = await ctx.tx.get('accounts', accountId);
    if (!account) throw new PlatformError('not_found', 'No such sub-account.');
    const agency = await this.#agency(ctx, account.agencyId);
    const loaded = { account, agency };
    const seq = account.seq;
    await this.#rollPeriods(ctx, loaded);
    // A roll appends ledger entries: store the rolled account with them, even for callers that only
    // read (quote, purchase…), or the next load rolls again and appends the same resets twice.
    if (account.seq !== seq) await this.#save(ctx, loaded);
    return loaded;
  }

  async #ownedAccount(ctx: Ctx, agencyId: string, accountId: string): Promise<Loaded> {
    const account = await ctx.tx.get('accounts', accountId);
    if (!account || account.agencyId !== agencyId) throw new PlatformError('not_found', 'No such sub-account.');
    return this.#load(ctx, accountId);
  }

  /** Included credits reset at each period start (carried over only when the plan says so). */
  async #rollPeriods(ctx: Ctx, { account, agency }: Loaded): Promise<void> {
    const anchor = new Date(account.createdAt).getUTCDate();
    while (ctx.now >= account.periodEnd) {
      account.periodStart = account.periodEnd;
      account.periodEnd = addMonths(account.periodStart, 1, anchor);
      const plan = agency.plans.find((p) => p.id === account.planId);
      for (const p of POOL_LIST) {
        const state = account.pools[p];
        const grant = plan?.included[p] ?? 0;
        const next = plan?.rollover ? Math.max(0, state.included) + grant : grant;
        state.includedGranted = grant;
        state.usedThisPeriod = 0;
        state.purchasedThisPeriod = 0;
        await this.#entry(
          ctx,
          account,
          p,
          'period_reset',
          { included: next - state.included, purchased: 0 },
          {
            description: plan?.rollover ? 'New period: included credits added' : 'New period: included credits reset',
            at: account.periodStart,
          },
        );
      }
    }
  }

  async #switchPlan(ctx: Ctx, { account, agency }: Loaded, planId: string) {
    const plan = this.#plan(agency, planId);
    const change = {
      id: newId('pc'),
      accountId: account.id,
      fromPlanId: account.planId,
      toPlanId: plan.id,
      effectiveAt: ctx.now,
    };
    account.planId = plan.id;
    // Takes effect now: the new allowance minus what was already used of the included credits this period.
    for (const p of POOL_LIST) {
      const state = account.pools[p];
      // The allowance changes by the difference between the plans; rolled-over credits are kept.
      const next = Math.max(0, state.included + plan.included[p] - state.includedGranted);
      state.includedGranted = plan.included[p];
      // A cap the agency set for this client stays; a cap that came with the old plan follows the plan.
      if (state.capFromPlan) state.cap = plan.caps[p];
      await this.#entry(
        ctx,
        account,
        p,
        'plan_change',
        { included: next - state.included, purchased: 0 },
        {
          description: `Plan changed to ${plan.name}`,
        },
      );
    }
    await ctx.tx.put('planChanges', change.id, change);
    this.#emit(ctx, account.id, { type: 'plan', seq: account.seq, currentPlanId: plan.id, rateCard: plan.rates });
    return change;
  }

  async #grantPurchase(ctx: Ctx, loaded: Loaded, p: PurchaseRecord, kind: 'purchase' | 'auto_refill'): Promise<void> {
    const state = loaded.account.pools[p.pool];
    state.purchasedThisPeriod += p.credits;
    await this.#entry(
      ctx,
      loaded.account,
      p.pool,
      kind,
      { included: 0, purchased: p.credits },
      {
        description: kind === 'purchase' ? 'Credits purchased' : 'Auto-refill',
        purchaseId: p.id,
      },
    );
    this.#emit(ctx, loaded.account.id, { type: 'purchase', seq: loaded.account.seq, purchase: purchaseView(p) });
  }

  /** Opt-in auto-refill: below the threshold, buy the chosen pack with the saved method, within the monthly limit. */
  async #maybeAutoRefill(ctx: Ctx, loaded: Loaded, pool: Pool): Promise<void> {
    const { account, agency } = loaded;
    const setting = account.autoRefill[pool];
    const policy = agency.autoRefillPolicy;
    if (!setting.enabled || !policy.allowed || agency.billingMode !== 'in_app' || !account.paymentMethod) return;
    const month = monthKey(ctx.now);
    if (account.refillMonth !== month) {
      account.refillMonth = month;
      account.refillsThisMonth = { voice: 0, sms: 0 };
    }
    const limit = Math.min(setting.maxPerMonth, policy.maxPerMonth);
    const pack = agency.packs.find((p) => p.id === setting.packId && p.pool === pool && policy.packIds.includes(p.id));
    if (!pack || account.refillsThisMonth[pool] >= limit || available(account.pools[pool]) >= setting.threshold) return;
    account.refillsThisMonth[pool] += 1;
    const quoteId = newId('qt');
    const purchase: PurchaseRecord = {
      id: newId('pur'),
      accountId: account.id,
      agencyId: agency.id,
      quoteId,
      pool,
      credits: pack.credits,
      amount: pack.price,
      status: 'succeeded',
      kind: 'auto_refill',
      checkoutToken: randomToken(18),
      checkoutUrl: null,
      returnUrl: null,
      createdAt: ctx.now,
      granted: true,
      refunded: false,
      failureCode: null,
    };
    await ctx.tx.put('quotes', quoteId, {
      id: quoteId,
      accountId: account.id,
      agencyId: agency.id,
      pool,
      packId: pack.id,
      credits: pack.credits,
      amount: pack.price,
      expiresAt: ctx.now,
      createdAt: ctx.now,
      purchaseId: purchase.id,
    });
    await ctx.tx.put('purchases', purchase.id, purchase);
    await this.#grantPurchase(ctx, loaded, purchase, 'auto_refill');
  }

  /** Appends a ledger entry and applies it; every entry advances the account's seq. */
  async #entry(
    ctx: Ctx,
    account: AccountRecord,
    pool: Pool,
    kind: EntryRecord['kind'],
    delta: { included: number; purchased: number },
    extra: {
      description: string;
      usage?: UsageDetail;
      purchaseId?: string;
      usageEventId?: string;
      at?: number;
    },
  ): Promise<void> {
    const state = account.pools[pool];
    state.included += delta.included;
    state.purchased += delta.purchased;
    account.seq += 1;
    await ctx.tx.append({
      id: newId('le'),
      accountId: account.id,
      seq: account.seq,
      pool,
      kind,
      delta,
      balanceAfter: { included: state.included, purchased: state.purchased, available: available(state) },
      createdAt: extra.at ?? ctx.now,
      description: extra.description,
      usage: extra.usage ?? null,
      purchaseId: extra.purchaseId ?? null,
      usageEventId: extra.usageEventId ?? null,
    });
  }

  async #walletEntry(
    ctx: Ctx,
    agency: AgencyRecord,
    pool: Pool,
    kind: EntryRecord['kind'],
    delta: number,
    description = '',
  ): Promise<void> {
    agency.wallet[pool] += delta;
    agency.walletSeq += 1;
    await ctx.tx.append({
      id: newId('le'),
      accountId: agency.id,
      seq: agency.walletSeq,
      pool,
      kind,
      delta: { included: 0, purchased: delta },
      balanceAfter: { included: 0, purchased: agency.wallet[pool], available: agency.wallet[pool] },
      createdAt: ctx.now,
      description,
      usage: null,
      purchaseId: null,
      usageEventId: null,
    });
  }

  /** When the agency wallet empties or refills, every client's status flips to or from `paused`. */
  async #walletChanged(
    ctx: Ctx,
    agency: AgencyRecord,
    before: Record<Pool, number>,
    skip: string | null,
  ): Promise<void> {
    const flipped = POOL_LIST.some((p) => before[p] <= 0 !== agency.wallet[p] <= 0);
    if (!flipped) return;
    for (const id of await ctx.tx.accountsOf(agency.id)) {
      if (id === skip) continue;
      const account = await ctx.tx.get('accounts', id);
      if (!account) continue;
      const loaded = { account, agency };
      await this.#rollPeriods(ctx, loaded);
      this.#bump(ctx, loaded);
      await this.#save(ctx, loaded, false);
    }
  }

  /** A change without a ledger entry (settings, status) still advances seq. */
  #bump(_ctx: Ctx, { account }: Loaded): void {
    account.seq += 1;
  }

  #emit(ctx: Ctx, accountId: string, event: StreamEvent): void {
    ctx.events.push({ accountId, event });
  }

  /** Saves the account and, if its seq moved, emits one balance event with the new snapshot. */
  async #save(ctx: Ctx, { account, agency }: Loaded, saveAgency = true): Promise<void> {
    const stored = await ctx.tx.get('accounts', account.id);
    await ctx.tx.put('accounts', account.id, account);
    if (saveAgency) await ctx.tx.put('agencies', agency.id, agency);
    if (!stored || stored.seq !== account.seq) {
      this.#emit(ctx, account.id, {
        type: 'balance',
        seq: account.seq,
        prevSeq: stored?.seq ?? 0,
        balances: balancesView(account, agency),
      });
    }
  }

  #subAccountView({ account, agency }: Loaded): SubAccountView {
    return { id: account.id, name: account.name, planId: account.planId, balances: balancesView(account, agency) };
  }

  #walletView(agency: AgencyRecord): AgencyWallet {
    return { agencyId: agency.id, balances: { ...agency.wallet }, platformRates: agency.platformRates };
  }
}

/** JSON with sorted keys, so equal bodies hash equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function isAllowedOrigin(url: string, origins: readonly string[]): boolean {
  try {
    const { origin, protocol } = new URL(url);
    return (protocol === 'https:' || protocol === 'http:') && origins.includes(origin);
  } catch {
    return false;
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export { poolView };

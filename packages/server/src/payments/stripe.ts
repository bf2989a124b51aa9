import type { Money } from '@creditkit/contract';
import {
  type Engine,
  type PaymentConfirmation,
  type PaymentGateway,
  PlatformError,
  type PurchaseRecord,
} from '@creditkit/platform';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import type { Database } from '../db/database.js';
import { stripeCheckoutSessions } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { PaymentAccounts } from './accounts.js';

/** Signatures older or newer than this (seconds) are refused: THREATS 14, "> 5 min either way". */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export interface StripeOptions {
  secretKey: string;
  webhookSecret: string;
  /** Client options for tests: a local fake API (`host`, `port`, `protocol: 'http'`). */
  client?: ConstructorParameters<typeof Stripe>[1];
}

export function createStripeClient(options: StripeOptions): Stripe {
  return new Stripe(options.secretKey, { maxNetworkRetries: 2, timeout: 20_000, ...options.client });
}

const isLiveKey = (secretKey: string): boolean => /^(sk|rk)_live_/.test(secretKey);

const withQuery = (url: string, params: Record<string, string>): string => {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
};

/**
 * Stripe Checkout on the agency's connected account (Stripe Connect "rebilling": the client pays the
 * agency). The amount and currency are the purchase's — the server's quote — never the browser's.
 * Creating the session is idempotent per purchase at Stripe, so a retried transaction cannot open
 * two sessions for one purchase.
 */
export class StripeGateway implements PaymentGateway {
  readonly #stripe: Stripe;
  readonly #accounts: PaymentAccounts;

  constructor(stripe: Stripe, accounts: PaymentAccounts) {
    this.#stripe = stripe;
    this.#accounts = accounts;
  }

  async createCheckout(p: PurchaseRecord, apiOrigin: string): Promise<{ url: string }> {
    const connected = await this.#accounts.lookup(p.agencyId);
    if (!connected) {
      throw new Error(`Agency ${p.agencyId} has no Stripe connected account: payments are not set up for it.`);
    }
    const back = p.returnUrl ?? `${apiOrigin}/checkout/return`;
    const metadata = { purchaseId: p.id, agencyId: p.agencyId, accountId: p.accountId };
    const session = await this.#stripe.checkout.sessions.create(
      {
        mode: 'payment',
        client_reference_id: p.id,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: p.amount.currency.toLowerCase(),
              unit_amount: p.amount.amount,
              product_data: {
                name: `${(p.credits / 1000).toLocaleString('en-US')} ${p.pool === 'sms' ? 'SMS ' : ''}credits`,
              },
            },
          },
        ],
        metadata,
        payment_intent_data: { metadata },
        success_url: withQuery(back, { ck_purchase: p.id, ck_status: 'success' }),
        cancel_url: withQuery(back, { ck_purchase: p.id, ck_status: 'canceled' }),
      },
      { stripeAccount: connected.accountId, idempotencyKey: `creditkit-checkout-${p.id}` },
    );
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL.`);
    return { url: session.url };
  }
}

/** A refund for a purchase not granted yet: answered 409 so that Stripe retries it later. */
export class RefundBeforeGrantError extends Error {
  constructor(purchaseId: string) {
    super(`Refund for purchase ${purchaseId} arrived before its payment was confirmed; retry later.`);
    this.name = 'RefundBeforeGrantError';
  }
}

export interface WebhookResult {
  status: number;
  body: unknown;
}

/** What a verified event did; `ignored` answers 200 so Stripe stops retrying, with nothing changed. */
type Outcome = { result: 'applied' | 'duplicate' | 'ignored'; reason?: string; purchaseId?: string };

/**
 * `POST /v1/webhooks/stripe`: verifies the signature on the raw body (±300 s), then applies the event
 * through the engine's one payment path (`confirmPayment` / `refund`), which grants exactly once.
 * Amount and currency are checked by the engine against the purchase; the connected account and
 * livemode here. Failures to verify are 400 with no side effect; database trouble is 500 (Stripe
 * retries); everything else is 200, applied or ignored with a reason in the log.
 */
export class StripeWebhooks {
  readonly #stripe: Stripe;
  readonly #secret: string;
  readonly #livemode: boolean;
  readonly #engine: Engine;
  readonly #database: Database;
  readonly #accounts: PaymentAccounts;
  readonly #log: Logger;
  readonly #now: () => number;

  constructor(options: {
    stripe: Stripe;
    secretKey: string;
    webhookSecret: string;
    engine: Engine;
    database: Database;
    accounts: PaymentAccounts;
    log: Logger;
    now?: () => number;
  }) {
    this.#stripe = options.stripe;
    this.#secret = options.webhookSecret;
    this.#livemode = isLiveKey(options.secretKey);
    this.#engine = options.engine;
    this.#database = options.database;
    this.#accounts = options.accounts;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
  }

  async handle(rawBody: string, signature: string | null, requestId: string): Promise<WebhookResult> {
    const refuse = (message: string): WebhookResult => ({
      status: 400,
      body: { error: { code: 'invalid_request', message, requestId } },
    });
    if (!signature) return refuse('Missing Stripe-Signature header.');
    const timestamp = Number(/(?:^|,)t=(\d{1,12})(?:,|$)/.exec(signature)?.[1]);
    const now = this.#now();
    // Stripe's own check only refuses old signatures; a timestamp from the future is refused here too.
    if (!Number.isFinite(timestamp) || Math.abs(now / 1000 - timestamp) > WEBHOOK_TOLERANCE_SECONDS) {
      return refuse('Stripe signature timestamp outside the tolerance window.');
    }
    let event: Stripe.Event;
    try {
      event = this.#stripe.webhooks.constructEvent(
        rawBody,
        signature,
        this.#secret,
        WEBHOOK_TOLERANCE_SECONDS,
        undefined,
        now,
      );
    } catch {
      return refuse('Invalid Stripe signature.');
    }
    let outcome: Outcome;
    try {
      outcome = await this.#apply(event);
    } catch (error) {
      if (!(error instanceof RefundBeforeGrantError)) throw error;
      this.#log.warn('stripe webhook deferred', {
        requestId,
        eventId: event.id,
        type: event.type,
        reason: error.message,
      });
      return { status: 409, body: { error: { code: 'purchase_not_refundable', message: error.message, requestId } } };
    }
    const fields = { requestId, eventId: event.id, type: event.type, ...outcome };
    if (outcome.result === 'ignored') this.#log.warn('stripe webhook ignored', fields);
    else this.#log.info('stripe webhook', fields);
    return { status: 200, body: { received: true, ...outcome } };
  }

  async #apply(event: Stripe.Event): Promise<Outcome> {
    if (event.livemode !== this.#livemode) return { result: 'ignored', reason: 'livemode_mismatch' };
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
      case 'checkout.session.async_payment_failed':
      case 'checkout.session.expired':
        return this.#session(event, event.data.object);
      case 'charge.refunded':
        return this.#refund(event, event.data.object);
      default:
        return { result: 'ignored', reason: 'unhandled_event_type' };
    }
  }

  /** The connected account an event must come from for this agency. */
  #accountMatches(event: Stripe.Event, agencyId: string): boolean {
    const connected = this.#accounts.get(agencyId);
    return Boolean(connected && event.account === connected.accountId && connected.livemode === event.livemode);
  }

  async #session(event: Stripe.Event, session: Stripe.Checkout.Session): Promise<Outcome> {
    const purchaseId = session.metadata?.purchaseId;
    const agencyId = session.metadata?.agencyId;
    if (!purchaseId || !agencyId || session.client_reference_id !== purchaseId) {
      return { result: 'ignored', reason: 'not_a_creditkit_session' };
    }
    await this.#accounts.lookup(agencyId);
    if (!this.#accountMatches(event, agencyId)) return { result: 'ignored', reason: 'account_mismatch', purchaseId };
    if (session.livemode !== event.livemode) return { result: 'ignored', reason: 'livemode_mismatch', purchaseId };

    let outcome: PaymentConfirmation['outcome'];
    if (event.type === 'checkout.session.expired') outcome = 'canceled';
    else if (event.type === 'checkout.session.async_payment_failed') outcome = 'failed';
    else if (event.type === 'checkout.session.async_payment_succeeded') {
      if (session.payment_status !== 'paid') return { result: 'ignored', reason: 'not_paid', purchaseId };
      outcome = 'succeeded';
    } else if (session.payment_status === 'paid') outcome = 'succeeded';
    else if (session.payment_status === 'unpaid')
      outcome = 'processing'; // async method (bank debit): wait
    else return { result: 'ignored', reason: 'no_payment_required', purchaseId };

    if (session.amount_total === null || !session.currency)
      return { result: 'ignored', reason: 'no_amount', purchaseId };
    const amount: Money = { amount: session.amount_total, currency: session.currency.toUpperCase() };
    const paymentIntent =
      typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);

    // One checkout session per purchase: the first session to report on a purchase owns it.
    const owner = await this.#database.exclusive(async (db) => {
      await db
        .insert(stripeCheckoutSessions)
        .values({ sessionId: session.id, purchaseId, agencyId, paymentIntent })
        .onConflictDoNothing();
      if (paymentIntent) {
        await db
          .update(stripeCheckoutSessions)
          .set({ paymentIntent })
          .where(eq(stripeCheckoutSessions.sessionId, session.id));
      }
      const [row] = await db
        .select()
        .from(stripeCheckoutSessions)
        .where(eq(stripeCheckoutSessions.purchaseId, purchaseId));
      return row;
    });
    if (!owner || owner.sessionId !== session.id)
      return { result: 'ignored', reason: 'other_checkout_session', purchaseId };

    const card = await this.#paymentMethod(session);
    try {
      const before = await this.#engine.run(({ tx }) => tx.get('purchases', purchaseId));
      const purchase = await this.#engine.confirmPayment({
        purchaseId,
        agencyId,
        amount,
        outcome,
        paymentMethod: card,
      });
      const duplicate = before?.granted === true || (outcome !== 'succeeded' && purchase.status !== outcome);
      return { result: duplicate ? 'duplicate' : 'applied', purchaseId };
    } catch (error) {
      if (error instanceof PlatformError && (error.code === 'payment_mismatch' || error.code === 'not_found')) {
        return { result: 'ignored', reason: error.code, purchaseId };
      }
      throw error;
    }
  }

  /** A saved card for auto-refill, when Stripe sent it expanded (never fetched: the webhook stays offline). */
  async #paymentMethod(session: Stripe.Checkout.Session): Promise<PaymentConfirmation['paymentMethod']> {
    const intent = session.payment_intent;
    if (!intent || typeof intent === 'string') return null;
    const method = intent.payment_method;
    if (!method || typeof method === 'string' || !method.card) return null;
    return { brand: method.card.brand, last4: method.card.last4 };
  }

  async #refund(event: Stripe.Event, charge: Stripe.Charge): Promise<Outcome> {
    const paymentIntent =
      typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null);
    let purchaseId = charge.metadata?.purchaseId;
    let agencyId = charge.metadata?.agencyId;
    if ((!purchaseId || !agencyId) && paymentIntent) {
      const [row] = await this.#database.exclusive((db) =>
        db.select().from(stripeCheckoutSessions).where(eq(stripeCheckoutSessions.paymentIntent, paymentIntent)),
      );
      purchaseId = row?.purchaseId;
      agencyId = row?.agencyId;
    }
    if (!purchaseId || !agencyId) return { result: 'ignored', reason: 'unknown_charge' };
    await this.#accounts.lookup(agencyId);
    if (!this.#accountMatches(event, agencyId)) return { result: 'ignored', reason: 'account_mismatch', purchaseId };
    // Credits are refunded whole: a partial refund is the agency's business (a manual adjustment).
    if (!charge.refunded) return { result: 'ignored', reason: 'partial_refund', purchaseId };
    const purchase = await this.#engine.run(({ tx }) => tx.get('purchases', purchaseId));
    if (!purchase || purchase.agencyId !== agencyId) return { result: 'ignored', reason: 'not_found', purchaseId };
    if (purchase.amount.amount !== charge.amount || purchase.amount.currency !== charge.currency.toUpperCase()) {
      return { result: 'ignored', reason: 'payment_mismatch', purchaseId };
    }
    try {
      await this.#engine.refund(agencyId, purchaseId);
      return { result: 'applied', purchaseId };
    } catch (error) {
      if (error instanceof PlatformError && error.code === 'purchase_not_refundable') {
        const now = await this.#engine.run(({ tx }) => tx.get('purchases', purchaseId));
        if (now?.refunded) return { result: 'duplicate', purchaseId };
        // Refunded before its payment was confirmed here (events out of order): fail, so Stripe
        // delivers it again after the confirmation, and the refund reverses the grant.
        throw new RefundBeforeGrantError(purchaseId);
      }
      throw error;
    }
  }
}

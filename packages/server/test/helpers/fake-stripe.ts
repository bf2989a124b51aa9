// A local stand-in for the Stripe API, enough for the official `stripe` client to create Checkout
// Sessions against it (`host`, `port`, `protocol: 'http'`), and signed webhook events for the server.
// No network: everything stays on loopback.
import { createServer, type Server } from 'node:http';
import Stripe from 'stripe';

export const WEBHOOK_SECRET = 'whsec_test_creditkit_fake_0123456789';
export const STRIPE_KEY = 'sk_test_creditkit_fake';

export interface CreatedSession {
  id: string;
  account: string | null;
  idempotencyKey: string | null;
  amount: number;
  currency: string;
  purchaseId: string;
  agencyId: string;
  clientReferenceId: string;
  successUrl: string;
  cancelUrl: string;
  paymentIntent: string;
}

/** `a[b][0][c]=1` form bodies, as the Stripe client sends them, flattened to their bracketed keys. */
const form = (body: string): Map<string, string> => new Map(new URLSearchParams(body));

export interface FakeStripe {
  host: string;
  port: number;
  sessions: CreatedSession[];
  /** Requests the fake refused or did not know. */
  unexpected: string[];
  close(): Promise<void>;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const sessions: CreatedSession[] = [];
  const unexpected: string[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        const f = form(body);
        const key = req.headers['idempotency-key'] as string | undefined;
        const replay = key ? sessions.find((s) => s.idempotencyKey === key) : undefined;
        const session: CreatedSession = replay ?? {
          id: `cs_test_fake${++n}`,
          account: (req.headers['stripe-account'] as string | undefined) ?? null,
          idempotencyKey: key ?? null,
          amount:
            Number(f.get('line_items[0][price_data][unit_amount]')) * Number(f.get('line_items[0][quantity]') ?? 1),
          currency: f.get('line_items[0][price_data][currency]') ?? '',
          purchaseId: f.get('metadata[purchaseId]') ?? '',
          agencyId: f.get('metadata[agencyId]') ?? '',
          clientReferenceId: f.get('client_reference_id') ?? '',
          successUrl: f.get('success_url') ?? '',
          cancelUrl: f.get('cancel_url') ?? '',
          paymentIntent: `pi_test_fake${n}`,
        };
        if (!replay) sessions.push(session);
        res.end(
          JSON.stringify({
            id: session.id,
            object: 'checkout.session',
            url: `https://checkout.stripe.com/c/pay/${session.id}`,
            amount_total: session.amount,
            currency: session.currency,
            metadata: { purchaseId: session.purchaseId, agencyId: session.agencyId },
          }),
        );
        return;
      }
      unexpected.push(`${req.method} ${req.url}`);
      res.statusCode = 404;
      res.end(
        JSON.stringify({
          error: { type: 'invalid_request_error', message: `fake stripe: no ${req.method} ${req.url}` },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: '127.0.0.1',
    port,
    sessions,
    unexpected,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const signer = new Stripe(STRIPE_KEY);

/** A webhook delivery: the raw body and its `Stripe-Signature` header. */
export interface Delivery {
  body: string;
  signature: string;
}

export function sign(event: object, options: { secret?: string; timestamp?: number } = {}): Delivery {
  const body = JSON.stringify(event);
  const signature = signer.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? WEBHOOK_SECRET,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
  });
  return { body, signature };
}

let eventCounter = 0;

export interface SessionEventOptions {
  type?:
    | 'checkout.session.completed'
    | 'checkout.session.async_payment_succeeded'
    | 'checkout.session.async_payment_failed'
    | 'checkout.session.expired';
  paymentStatus?: 'paid' | 'unpaid' | 'no_payment_required';
  amount?: number;
  currency?: string;
  account?: string | null;
  livemode?: boolean;
}

/** A Checkout Session event for a session the server created through the fake. */
export function sessionEvent(session: CreatedSession, o: SessionEventOptions = {}): object {
  const livemode = o.livemode ?? false;
  return {
    id: `evt_test_${++eventCounter}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    type: o.type ?? 'checkout.session.completed',
    livemode,
    account: o.account === undefined ? session.account : o.account,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: session.id,
        object: 'checkout.session',
        mode: 'payment',
        livemode,
        amount_total: o.amount ?? session.amount,
        currency: o.currency ?? session.currency,
        client_reference_id: session.clientReferenceId,
        metadata: { purchaseId: session.purchaseId, agencyId: session.agencyId },
        payment_status: o.paymentStatus ?? 'paid',
        status: o.type === 'checkout.session.expired' ? 'expired' : 'complete',
        payment_intent: session.paymentIntent,
      },
    },
  };
}

/** `charge.refunded` for the session's payment; `refunded` false is a partial refund. */
export function refundEvent(
  session: CreatedSession,
  o: { refunded?: boolean; amount?: number; account?: string | null; withMetadata?: boolean } = {},
): object {
  const amount = o.amount ?? session.amount;
  return {
    id: `evt_test_${++eventCounter}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    type: 'charge.refunded',
    livemode: false,
    account: o.account === undefined ? session.account : o.account,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: `ch_test_${eventCounter}`,
        object: 'charge',
        amount,
        amount_refunded: o.refunded === false ? Math.floor(amount / 2) : amount,
        currency: session.currency,
        refunded: o.refunded ?? true,
        payment_intent: session.paymentIntent,
        metadata: o.withMetadata ? { purchaseId: session.purchaseId, agencyId: session.agencyId } : {},
      },
    },
  };
}

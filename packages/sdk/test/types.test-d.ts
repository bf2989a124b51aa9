// Type tests for the public surface, checked by `tsc` (root `npm run typecheck`); never executed.
import type { Balances, PoolBalance, Purchase, Quote } from '@creditkit/contract';
import { type Estimate as EstimateFromSubpath, estimate } from '@creditkit/sdk/estimate';
import type { ReadableAtom } from 'nanostores';
import {
  type ClientErrorCode,
  type ConnectionState,
  type CreditkitClient,
  CreditkitError,
  type CreditkitErrorCode,
  createClient,
  type Estimate,
  formatCredits,
  formatMoney,
  type StatusTransition,
} from '../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => true as T;
declare const client: CreditkitClient;
declare const quote: Quote;
declare const purchase: Purchase;

// createClient: apiBase and a way to get a session token.
createClient({ apiBase: 'https://api.example.com', sessionEndpoint: '/creditkit/session' });
createClient({
  apiBase: 'https://api.example.com',
  fetchSessionToken: async () => ({ token: 'cks_x', expiresAt: '2026-01-01T00:00:00Z' }),
});
// @ts-expect-error apiBase is required
createClient({ sessionEndpoint: '/creditkit/session' });
// @ts-expect-error a session token is { token, expiresAt }
createClient({ apiBase: 'https://api.example.com', fetchSessionToken: async () => 'cks_x' });
// @ts-expect-error options are typed
createClient({ apiBase: 'https://api.example.com', sessionEndpoint: '/s', timeoutMs: '10s' });

// Stores are read-only and typed per pool.
assert<Equal<typeof client.$balances.voice, ReadableAtom<PoolBalance | null>>>();
assert<Equal<ReturnType<typeof client.$connection.get>, ConnectionState>>();
assert<Equal<ReturnType<typeof client.$transition.get>, StatusTransition | null>>();
assert<Equal<ReturnType<typeof client.$runway.sms.get>, number | null>>();
// @ts-expect-error stores cannot be written from outside
client.$balances.voice.set(null);
// @ts-expect-error there is no such pool
client.$balances.minutes.get();
// @ts-expect-error not a connection state
const state: ConnectionState = 'open';

// Money: the server is the only source of prices.
client.quote({ pool: 'voice', packId: 'pack_voice_100' });
client.quote({ pool: 'sms', credits: 50_000 });
// @ts-expect-error a quote never carries a price
client.quote({ pool: 'voice', packId: 'pack_voice_100', amount: 100 });
// @ts-expect-error a quote is for a pool
client.quote({ packId: 'pack_voice_100' });
client.purchase(quote, { idempotencyKey: 'intent-1234' });
client.purchase(quote.id);
// @ts-expect-error a purchase pays a quote, never an amount
client.purchase({ amount: { amount: 100, currency: 'USD' } });
client.openCheckout(purchase, 'popup');
// @ts-expect-error checkout targets are redirect, popup or a window
client.openCheckout(purchase, 'iframe');
assert<Equal<Awaited<ReturnType<typeof client.refresh>>, Balances>>();
assert<Equal<Awaited<ReturnType<typeof client.waitForPurchase>>, Purchase>>();
// @ts-expect-error usage needs a pool and a range
client.usage({ pool: 'voice' });

// Errors: one class with stable codes from the contract plus the client's own.
const e = new CreditkitError('network', 'offline');
assert<Equal<typeof e.code, CreditkitErrorCode>>();
const serverCode: CreditkitErrorCode = 'idempotency_key_mismatch';
const clientCode: ClientErrorCode = 'timeout';
// @ts-expect-error not a known code
const unknownCode: CreditkitErrorCode = 'oops';
// @ts-expect-error server codes are not client codes
const notClient: ClientErrorCode = 'quote_expired';

// estimate() is pure and typed; it lives at `@creditkit/sdk/estimate`, its types are in both entries.
assert<Equal<Estimate, EstimateFromSubpath>>();
const plans = client.$plans.get();
const result: Estimate = estimate({ voice: [{ conversations: 10, minutes: 3, provider: 'deepgram' }] }, { plans });
// @ts-expect-error an unknown voice provider
estimate({ voice: [{ conversations: 10, minutes: 3, provider: 'acme' }] }, { plans });

// Formatting takes integers of the wire units.
formatCredits(1500, 'en-US');
formatMoney({ amount: 2500, currency: 'USD' }, 'en-US');
// @ts-expect-error money is { amount, currency }
formatMoney(25, 'en-US');

export { clientCode, notClient, result, serverCode, state, unknownCode };

/**
 * @creditkit/sdk — the thin browser client behind the creditkit widgets. Importing it does nothing;
 * `createClient()` only checks its options; work starts at `load()`, `connect()` or a method call.
 *
 * ```ts
 * const client = createClient({ apiBase: 'https://api.platform.example', sessionEndpoint: '/creditkit/session' });
 * const release = client.connect();                 // one bootstrap + one event stream, shared
 * client.$balances.voice.subscribe((b) => render(b)); // per-pool nanostores
 * const quote = await client.quote({ pool: 'voice', packId: 'pack_voice_100' });
 * const purchase = await client.purchase(quote);     // one purchase per quote, however often called
 * client.openCheckout(purchase, 'popup');
 * await client.waitForPurchase(purchase.id);         // credits appear only once the server grants them
 * ```
 */
export {
  type ConnectionState,
  type CreditkitClient,
  createClient,
  type MoneyOptions,
  type StatusTransition,
} from './client.js';
export type { ClientOptions, SessionToken } from './config.js';
export { CLIENT_ERROR_CODES, type ClientErrorCode, CreditkitError, type CreditkitErrorCode } from './errors.js';
// estimate() itself is at `@creditkit/sdk/estimate`, so a page without the estimator does not ship it.
export type {
  Estimate,
  EstimateCatalog,
  EstimateInput,
  Extra,
  PlanEstimate,
  SmsUsage,
  VoiceUsage,
} from './estimate.js';
export { formatCredits, formatDate, formatMoney, formatNumber, formatRelative } from './format.js';

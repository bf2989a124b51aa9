export { CkAutoRefill } from './auto-refill/auto-refill.js';
export { CkBalanceMeter } from './balance-meter/balance-meter.js';
export { CkBuyCredits } from './buy-credits/buy-credits.js';
export type { Catalogue, MessageKey } from './i18n/en.js';
export { registerLocale } from './i18n/translate.js';
export { CkProvider } from './provider/provider.js';
export { define } from './shared/define.js';
export * from './shared/events.js';
export { CkUsageHistory } from './usage-history/usage-history.js';

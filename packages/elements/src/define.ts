/**
 * Registers every creditkit tag: the one module with side effects (the script-tag entry imports it).
 * Safe to load twice (THREATS 24).
 */
import './i18n/locales.js';
import { CkAutoRefill } from './auto-refill/auto-refill.js';
import { CkBalanceMeter } from './balance-meter/balance-meter.js';
import { CkBuyCredits } from './buy-credits/buy-credits.js';
import { CkPlanPicker } from './plan-picker/plan-picker.js';
import { CkProvider } from './provider/provider.js';
import { define } from './shared/define.js';
import { CkUsageEstimator } from './usage-estimator/usage-estimator.js';
import { CkUsageHistory } from './usage-history/usage-history.js';

define('ck-provider', CkProvider);
define('ck-balance-meter', CkBalanceMeter);
define('ck-buy-credits', CkBuyCredits);
define('ck-plan-picker', CkPlanPicker);
define('ck-usage-estimator', CkUsageEstimator);
define('ck-usage-history', CkUsageHistory);
define('ck-auto-refill', CkAutoRefill);

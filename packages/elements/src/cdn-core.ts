/** The script-tag entry with the three core widgets and the SDK; registers the tags on load. */
import './i18n/locales.js';
import { CkBalanceMeter } from './balance-meter/balance-meter.js';
import { CkBuyCredits } from './buy-credits/buy-credits.js';
import { CkPlanPicker } from './plan-picker/plan-picker.js';
import { CkProvider } from './provider/provider.js';
import { define } from './shared/define.js';

define('ck-provider', CkProvider);
define('ck-balance-meter', CkBalanceMeter);
define('ck-buy-credits', CkBuyCredits);
define('ck-plan-picker', CkPlanPicker);

export { CreditkitError, createClient } from '@creditkit/sdk';
export * from './shared/events.js';
export { CkBalanceMeter, CkBuyCredits, CkPlanPicker, CkProvider };

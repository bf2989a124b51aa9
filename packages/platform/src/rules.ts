/**
 * The credit model's pure rules (DESIGN.md §2): costs, consumption order, status, periods, prices.
 * No I/O and no clock: the engine passes `now` in. Everything is integer millicredits / minor units.
 */
import type { CustomQuantity, Money, Pool, PoolStatus } from '@creditkit/contract';
import type { PoolState } from './model.js';

/** Voice: `seconds × rate / 60`, rounded up once per event to the millicredit. `ratePerMinute` in millicredits. */
export const voiceCost = (seconds: number, ratePerMinute: number): number => Math.ceil((seconds * ratePerMinute) / 60);

/** SMS: `count × rate` (millicredits per message). */
export const smsCost = (count: number, ratePerMessage: number): number => count * ratePerMessage;

/** The most whole seconds whose cost fits in `budget` (ceil(s·r/60) ≤ B ⟺ s·r ≤ 60·B for integer B). */
export const secondsWithin = (budget: number, ratePerMinute: number): number =>
  ratePerMinute === 0 ? Number.MAX_SAFE_INTEGER : Math.floor((Math.max(0, budget) * 60) / ratePerMinute);

export const messagesWithin = (budget: number, ratePerMessage: number): number =>
  ratePerMessage === 0 ? Number.MAX_SAFE_INTEGER : Math.floor(Math.max(0, budget) / ratePerMessage);

export const available = (p: PoolState): number => p.included + p.purchased;

/** The cap in force: the agency cap plus what was bought this period; null when uncapped. */
export const capLimit = (p: PoolState): number | null => (p.cap === null ? null : p.cap + p.purchasedThisPeriod);

/** How much more the client may spend this period before the cap. */
export const capRemaining = (p: PoolState): number => {
  const limit = capLimit(p);
  return limit === null ? Number.MAX_SAFE_INTEGER : Math.max(0, limit - p.usedThisPeriod);
};

/** Status in precedence order: paused > capped > depleted > low > ok. */
export function poolStatus(p: PoolState, agencyWallet: number): PoolStatus {
  if (agencyWallet <= 0) return 'paused';
  const limit = capLimit(p);
  if (limit !== null && p.usedThisPeriod >= limit) return 'capped';
  if (available(p) <= 0) return 'depleted';
  if (available(p) < p.lowThreshold) return 'low';
  return 'ok';
}

/** Included credits are consumed first, purchased only after them. Caller guarantees `charge ≤ available`. */
export function debit(p: PoolState, charge: number): { included: number; purchased: number } {
  const fromIncluded = Math.min(Math.max(0, p.included), charge);
  return { included: -fromIncluded, purchased: -(charge - fromIncluded) };
}

// Billing periods: monthly, anchored on the day of the month the account started (clamped to the
// month's length, so an account started on the 31st resets on the 30th in April), in UTC.

export function addMonths(ms: number, months: number, anchorDay: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(anchorDay, lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

export const monthKey = (ms: number): string => new Date(ms).toISOString().slice(0, 7);

// Prices

/** Price of a custom quantity (millicredits, whole credits only): all of it at the unit price of the highest tier reached. */
export function customPrice(q: CustomQuantity, credits: number): Money | null {
  if (!Number.isInteger(credits) || credits % 1000 !== 0 || credits < q.minCredits || credits > q.maxCredits)
    return null;
  let unit: number | null = null;
  for (const tier of [...q.tiers].sort((a, b) => a.minCredits - b.minCredits)) {
    if (credits >= tier.minCredits) unit = tier.unitAmount;
  }
  if (unit === null) return null;
  return { amount: (credits / 1000) * unit, currency: q.currency };
}

export const POOL_LIST: readonly Pool[] = ['voice', 'sms'];

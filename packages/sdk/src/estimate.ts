/**
 * `@creditkit/sdk/estimate`: how many credits a month of usage needs, which plan fits and what it costs.
 * A pure function of the catalogue (`client.$plans`, `$packs`, `$customQuantities`), apart from the main
 * entry so that pages without an estimator do not ship it.
 */
import type { CustomQuantity, Money, Pack, Plan, Pool, VoiceProvider } from '@creditkit/contract';
import { POOLS } from '@creditkit/contract/browser';

export interface VoiceUsage {
  /** Conversations per month. */
  conversations: number;
  /** Average length of one, in minutes (billed per second). */
  minutes: number;
  provider: VoiceProvider;
}
export interface SmsUsage {
  /** Messages per month. */
  messages: number;
  /** Destination country, ISO 3166-1 alpha-2. */
  country: string;
}
export interface EstimateInput {
  voice?: VoiceUsage[];
  sms?: SmsUsage[];
}
export interface EstimateCatalog {
  plans: readonly Plan[];
  packs?: readonly Pack[];
  customQuantities?: readonly CustomQuantity[];
}
/** What to buy each month on top of a plan: `count` × one pack, or one custom quantity (`packId` null). */
export interface Extra {
  packId: string | null;
  count: number;
  /** Millicredits bought. */
  credits: number;
  /** Minor units, in the plan's currency. */
  amount: number;
}
export interface PlanEstimate {
  plan: Plan;
  /** Millicredits per month per pool, at this plan's rates. */
  need: Record<Pool, number>;
  /** Millicredits per month beyond the plan's included credits. */
  shortfall: Record<Pool, number>;
  /** The cheapest packs or custom quantity covering each shortfall (null: nothing short). */
  extras: Record<Pool, Extra | null>;
  /** The included credits alone cover the need. */
  fits: boolean;
  /** Plan price per month plus extras; null when a shortfall cannot be bought in the plan's currency. */
  monthly: Money | null;
  /** Providers or countries this plan has no rate for (counted as free: show a warning). */
  unpriced: string[];
}
export interface Estimate {
  /** One per plan, in catalogue order. */
  plans: PlanEstimate[];
  /** The cheapest plan (by its own price) whose included credits cover the need, or null. */
  fit: PlanEstimate | null;
  /** The lowest total per month, packs included; on a tie, a plan that fits, then the first listed. */
  best: PlanEstimate | null;
}

const count = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

/** The cheapest way to buy at least `short` millicredits of `pool` in `currency`, or null. */
function cover(short: number, pool: Pool, currency: string, catalog: EstimateCatalog): Extra | null {
  let best: Extra | null = null;
  const consider = (extra: Extra): void => {
    if (!best || extra.amount < best.amount || (extra.amount === best.amount && extra.credits < best.credits))
      best = extra;
  };
  for (const pack of catalog.packs ?? []) {
    if (pack.pool !== pool || pack.price.currency !== currency || pack.credits <= 0) continue;
    const n = Math.ceil(short / pack.credits);
    consider({ packId: pack.id, count: n, credits: n * pack.credits, amount: n * pack.price.amount });
  }
  for (const custom of catalog.customQuantities ?? []) {
    if (custom.pool !== pool || custom.currency !== currency) continue;
    // Custom quantities are whole credits within [min, max], priced at the highest tier reached.
    const credits = Math.max(custom.minCredits, Math.ceil(short / 1000) * 1000);
    const tier = custom.tiers.filter((t) => t.minCredits <= credits).sort((a, b) => b.minCredits - a.minCredits)[0];
    if (credits <= custom.maxCredits && tier) {
      consider({ packId: null, count: 1, credits, amount: (credits / 1000) * tier.unitAmount });
    }
  }
  return best;
}

/**
 * Credits a month of use needs on each plan, and which plan to pick. A pure function of the catalogue
 * (`client.$plans`, `$packs`, `$customQuantities`). Voice is billed per second and rounded up to a
 * millicredit once per conversation, as the platform does; SMS is messages × the country's rate.
 * Rule: `fit` is the cheapest plan whose included credits alone cover the need; `best` is the lowest
 * monthly total once each shortfall is covered the cheapest way: n × one pack of that pool, or one custom
 * quantity (whole credits within its bounds, at the highest tier reached), in the plan's currency.
 * Yearly plans count as a twelfth of their price per month.
 */
export function estimate(input: EstimateInput, catalog: EstimateCatalog): Estimate {
  const plans = catalog.plans.map((plan): PlanEstimate => {
    const unpriced: string[] = [];
    const rate = (table: Record<string, number>, key: string): number => {
      if (table[key] === undefined && !unpriced.includes(key)) unpriced.push(key);
      return table[key] ?? 0;
    };
    const need = { voice: 0, sms: 0 };
    for (const v of input.voice ?? []) {
      const seconds = Math.round(count(v.minutes) * 60);
      need.voice += Math.round(count(v.conversations)) * Math.ceil((seconds * rate(plan.rates.voice, v.provider)) / 60);
    }
    for (const s of input.sms ?? []) need.sms += Math.round(count(s.messages)) * rate(plan.rates.sms, s.country);
    const shortfall = { voice: 0, sms: 0 };
    const extras: Record<Pool, Extra | null> = { voice: null, sms: null };
    const price = plan.interval === 'year' ? Math.round(plan.price.amount / 12) : plan.price.amount;
    let amount: number | null = price;
    for (const pool of POOLS) {
      shortfall[pool] = Math.max(0, need[pool] - (plan.included[pool] ?? 0));
      if (!shortfall[pool]) continue;
      extras[pool] = cover(shortfall[pool], pool, plan.price.currency, catalog);
      amount = extras[pool] && amount !== null ? amount + (extras[pool] as Extra).amount : null;
    }
    const fits = !shortfall.voice && !shortfall.sms;
    return {
      plan,
      need,
      shortfall,
      extras,
      fits,
      monthly: amount === null ? null : { amount, currency: plan.price.currency },
      unpriced,
    };
  });
  const cheapest = (list: PlanEstimate[]): PlanEstimate | null =>
    list.reduce<PlanEstimate | null>(
      (best, e) =>
        e.monthly &&
        (!best?.monthly ||
          e.monthly.amount < best.monthly.amount ||
          (e.monthly.amount === best.monthly.amount && e.fits && !best.fits))
          ? e
          : best,
      null,
    );
  return { plans, fit: cheapest(plans.filter((e) => e.fits)), best: cheapest(plans) };
}

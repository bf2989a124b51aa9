import type { AutoRefill, Balances, LedgerEntry, PoolBalance, Purchase, Quote, RateCard } from '@creditkit/contract';
import { iso } from './clock.js';
import type { AccountRecord, AgencyRecord, EntryRecord, PurchaseRecord, QuoteRecord } from './model.js';
import { available, capLimit, POOL_LIST, poolStatus } from './rules.js';

/** Records → wire shapes. Nothing about the agency's own wallet is ever put in a client view. */

export function poolView(account: AccountRecord, agency: AgencyRecord, pool: 'voice' | 'sms'): PoolBalance {
  const p = account.pools[pool];
  const limit = capLimit(p);
  return {
    pool,
    available: available(p),
    included: { granted: p.includedGranted, remaining: p.included, resetsAt: iso(account.periodEnd) },
    purchased: { remaining: p.purchased },
    usedThisPeriod: p.usedThisPeriod,
    cap: limit === null ? null : { limit, used: Math.min(p.usedThisPeriod, limit) },
    lowThreshold: p.lowThreshold,
    status: poolStatus(p, agency.wallet[pool]),
  };
}

export function balancesView(account: AccountRecord, agency: AgencyRecord): Balances {
  return {
    seq: account.seq,
    voice: poolView(account, agency, 'voice'),
    sms: poolView(account, agency, 'sms'),
    periodStart: iso(account.periodStart),
    periodEnd: iso(account.periodEnd),
  };
}

export function rateCardOf(account: AccountRecord, agency: AgencyRecord): RateCard {
  const plan = agency.plans.find((p) => p.id === account.planId);
  return plan?.rates ?? { voice: { deepgram: 0, cartesia: 0, elevenlabs: 0 }, sms: {} };
}

export const quoteView = (q: QuoteRecord): Quote => ({
  id: q.id,
  pool: q.pool,
  packId: q.packId,
  credits: q.credits,
  amount: q.amount,
  expiresAt: iso(q.expiresAt),
});

export const purchaseView = (p: PurchaseRecord): Purchase => ({
  id: p.id,
  quoteId: p.quoteId,
  pool: p.pool,
  credits: p.credits,
  amount: p.amount,
  status: p.status,
  checkoutUrl: p.status === 'requires_payment' ? p.checkoutUrl : null,
  createdAt: iso(p.createdAt),
  granted: p.granted,
  refunded: p.refunded,
  failureCode: p.failureCode,
});

export const entryView = (e: EntryRecord): LedgerEntry => ({
  id: e.id,
  seq: e.seq,
  pool: e.pool,
  kind: e.kind as LedgerEntry['kind'],
  delta: e.delta,
  balanceAfter: e.balanceAfter,
  createdAt: iso(e.createdAt),
  description: e.description,
  usage: e.usage,
  purchaseId: e.purchaseId,
  usageEventId: e.usageEventId,
});

export function autoRefillView(account: AccountRecord, agency: AgencyRecord, month: string): AutoRefill {
  const fresh = account.refillMonth === month;
  return {
    policy: agency.autoRefillPolicy,
    settings: POOL_LIST.map((pool) => account.autoRefill[pool]),
    refillsThisMonth: {
      voice: fresh ? account.refillsThisMonth.voice : 0,
      sms: fresh ? account.refillsThisMonth.sms : 0,
    },
    paymentMethod: account.paymentMethod,
  };
}

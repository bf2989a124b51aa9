// estimate(): a pure function of usage and the catalogue.

import type { Plan } from '@creditkit/contract';
import { CUSTOM_QUANTITIES, PACKS, PLANS } from '@creditkit/mock';
import { estimate } from '@creditkit/sdk/estimate';
import { expect } from '@open-wc/testing';

const catalog = { plans: PLANS, packs: PACKS, customQuantities: CUSTOM_QUANTITIES };
const byId = (result: ReturnType<typeof estimate>, id: string) => result.plans.find((p) => p.plan.id === id);

describe('sdk: estimate()', () => {
  it('bills voice per second, rounded up once per conversation, and SMS per message and country', () => {
    const result = estimate(
      { voice: [{ conversations: 1, minutes: 2 / 60, provider: 'deepgram' }], sms: [{ messages: 3, country: 'US' }] },
      catalog,
    );
    const starter = byId(result, 'plan_starter');
    expect(starter?.need.voice).to.equal(34); // 2 s × 1000 mc/min ÷ 60 = 33.3 → 34 millicredits, never a minute
    expect(starter?.need.sms).to.equal(3 * 166);
    expect(starter?.fits).to.equal(true);
  });

  it('picks the cheapest plan that fits, and the cheapest total with packs or a custom quantity', () => {
    const result = estimate({ voice: [{ conversations: 300, minutes: 3, provider: 'deepgram' }] }, catalog);
    const starter = byId(result, 'plan_starter');
    expect(starter?.need.voice).to.equal(900_000);
    expect(starter?.shortfall.voice).to.equal(800_000);
    // 800 credits: custom quantity at the 500+ tier (22¢) beats 8 × 100-credit packs ($200) or a 1,000 pack.
    expect(starter?.extras.voice).to.deep.equal({ packId: null, count: 1, credits: 800_000, amount: 17_600 });
    expect(starter?.monthly).to.deep.equal({ amount: 4900 + 17_600, currency: 'USD' });

    const growth = byId(result, 'plan_growth');
    expect(growth?.need.voice).to.equal(810_000);
    expect(growth?.extras.voice).to.deep.equal({ packId: null, count: 1, credits: 410_000, amount: 10_250 });

    const scale = byId(result, 'plan_scale');
    expect(scale?.fits).to.equal(true);
    expect(scale?.monthly?.amount).to.equal(29_900);

    expect(result.fit?.plan.id).to.equal('plan_scale');
    expect(result.best?.plan.id).to.equal('plan_starter');
  });

  it('uses packs when cheaper, counts yearly plans per month, and flags unpriced countries', () => {
    const yearly: Plan = {
      ...(PLANS[0] as Plan),
      id: 'plan_yearly',
      interval: 'year',
      price: { amount: 48_000, currency: 'USD' },
    };
    const result = estimate(
      {
        sms: [
          { messages: 1000, country: 'US' },
          { messages: 10, country: 'JP' },
        ],
      },
      { plans: [yearly], packs: PACKS, customQuantities: CUSTOM_QUANTITIES },
    );
    const plan = result.plans[0];
    expect(plan?.need.sms).to.equal(166_000);
    expect(plan?.shortfall.sms).to.equal(146_000);
    // 146 SMS credits short: 3 × 50-credit packs ($30) beat one 200-credit pack ($35).
    expect(plan?.extras.sms).to.deep.equal({ packId: 'pack_sms_50', count: 3, credits: 150_000, amount: 3000 });
    expect(plan?.monthly?.amount).to.equal(4000 + 3000);
    expect(plan?.unpriced).to.deep.equal(['JP']);
    expect(result.fit).to.equal(null);
    expect(result.best?.plan.id).to.equal('plan_yearly');
  });

  it('ignores nonsense input and has no plan to offer when a shortfall cannot be bought', () => {
    const result = estimate(
      {
        voice: [{ conversations: Number.NaN, minutes: -5, provider: 'deepgram' }],
        sms: [{ messages: 1e6, country: 'US' }],
      },
      { plans: PLANS, packs: [] },
    );
    expect(result.plans.every((p) => p.need.voice === 0)).to.equal(true);
    expect(result.plans.every((p) => p.monthly === null)).to.equal(true);
    expect(result.best).to.equal(null);
    expect(estimate({}, catalog).fit?.plan.id).to.equal('plan_starter');
  });
});

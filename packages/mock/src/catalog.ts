import type { Brand, CustomQuantity, Pack, Plan, RateCard } from '@creditkit/contract';
import type { AgencyInput } from '@creditkit/platform';

/** The fictional demo agency's catalogue: prices in USD cents, credits in millicredits. */

const credits = (n: number): number => n * 1000;

const SMS_RATES = { US: 166, CA: 200, MX: 250, BR: 300, GB: 400, ES: 420, FR: 450, DE: 450 };

const rates = (deepgram: number, cartesia: number, elevenlabs: number, smsFactor = 1): RateCard => ({
  voice: { deepgram, cartesia, elevenlabs },
  sms: Object.fromEntries(Object.entries(SMS_RATES).map(([c, r]) => [c, Math.round(r * smsFactor)])),
});

export const PLANS: Plan[] = [
  {
    id: 'plan_starter',
    name: 'Starter',
    description: 'For a single location getting started with an AI receptionist.',
    price: { amount: 4900, currency: 'USD' },
    interval: 'month',
    included: { voice: credits(100), sms: credits(20) },
    rollover: false,
    caps: { voice: null, sms: null },
    rates: rates(1000, 1200, 1500),
    features: ['AI receptionist, inbound calls', 'SMS follow-ups', 'Email support'],
    recommended: false,
  },
  {
    id: 'plan_growth',
    name: 'Growth',
    description: 'For busy front desks: more included talk time and lower rates.',
    price: { amount: 12900, currency: 'USD' },
    interval: 'month',
    included: { voice: credits(400), sms: credits(83) },
    rollover: false,
    caps: { voice: null, sms: null },
    rates: rates(900, 1100, 1400, 0.9),
    features: ['Everything in Starter', 'Outbound calls', 'Voice cloning', 'Priority support'],
    recommended: true,
  },
  {
    id: 'plan_scale',
    name: 'Scale',
    description: 'For multi-location businesses: unused included credits roll over.',
    price: { amount: 29900, currency: 'USD' },
    interval: 'month',
    included: { voice: credits(1200), sms: credits(200) },
    rollover: true,
    caps: { voice: null, sms: null },
    rates: rates(800, 1000, 1300, 0.8),
    features: ['Everything in Growth', 'Included credits roll over', 'Dedicated success manager'],
    recommended: false,
  },
];

export const PACKS: Pack[] = [
  {
    id: 'pack_voice_100',
    pool: 'voice',
    name: '100 credits',
    credits: credits(100),
    price: { amount: 2500, currency: 'USD' },
  },
  {
    id: 'pack_voice_500',
    pool: 'voice',
    name: '500 credits',
    credits: credits(500),
    price: { amount: 11000, currency: 'USD' },
  },
  {
    id: 'pack_voice_1000',
    pool: 'voice',
    name: '1,000 credits',
    credits: credits(1000),
    price: { amount: 20000, currency: 'USD' },
  },
  {
    id: 'pack_sms_50',
    pool: 'sms',
    name: '50 SMS credits',
    credits: credits(50),
    price: { amount: 1000, currency: 'USD' },
  },
  {
    id: 'pack_sms_200',
    pool: 'sms',
    name: '200 SMS credits',
    credits: credits(200),
    price: { amount: 3500, currency: 'USD' },
  },
];

export const CUSTOM_QUANTITIES: CustomQuantity[] = [
  {
    pool: 'voice',
    minCredits: credits(50),
    maxCredits: credits(10_000),
    currency: 'USD',
    tiers: [
      { minCredits: credits(50), unitAmount: 25 },
      { minCredits: credits(500), unitAmount: 22 },
      { minCredits: credits(2000), unitAmount: 20 },
    ],
  },
];

/** What the platform charges the agency wallet: below the agency's prices, so the agency keeps a margin. */
export const PLATFORM_RATES: RateCard = rates(600, 700, 1000, 0.7);

export const BRANDS = {
  brightwave: {
    name: 'Brightwave Digital',
    logoUrl: null,
    colors: { primary: '#0b6e4f', accent: '#f2a541' },
    supportEmail: 'support@brightwave.example',
    supportUrl: 'https://brightwave.example/support',
    terms: {},
  },
  nimbus: {
    name: 'Nimbus Growth Co.',
    logoUrl: null,
    colors: { primary: '#4b3fbf', accent: '#2ec4b6' },
    supportEmail: 'help@nimbus.example',
    supportUrl: 'https://nimbus.example/help',
    terms: { credits: 'minutes' },
  },
} satisfies Record<string, Brand>;

export function agencyInput(overrides: Partial<AgencyInput> & Pick<AgencyInput, 'id' | 'secretKey'>): AgencyInput {
  return {
    name: 'Brightwave Digital',
    billingMode: 'in_app',
    brand: BRANDS.brightwave,
    locale: 'en-US',
    currency: 'USD',
    autoRefillPolicy: { allowed: true, packIds: ['pack_voice_500', 'pack_sms_200'], maxPerMonth: 3 },
    allowedOrigins: [],
    plans: PLANS,
    packs: PACKS,
    customQuantities: CUSTOM_QUANTITIES,
    platformRates: PLATFORM_RATES,
    wallet: { voice: credits(50_000), sms: credits(10_000) },
    ...overrides,
  };
}

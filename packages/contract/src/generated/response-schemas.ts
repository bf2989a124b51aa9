// Generated from the contract's zod schemas by scripts/response-schemas.ts: do not edit.
// `npm run build -w @creditkit/contract` rewrites it; after changing a response or event schema run
//   node --conditions=source --import tsx packages/contract/scripts/build-response-schemas.ts
// and commit the result (test/browser-schemas.test.ts fails while it is out of date).
import type { JsonSchema, Schema } from '../check.js';
import type * as C from '../index.js';
import { array, nullable, object, record } from '../schema-builders.js';

export const Timestamp: Schema<C.z.output<typeof C.Timestamp>> = {
  type: 'string',
  format: 'date-time',
  pattern:
    '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$',
};

const stringValue: JsonSchema = { type: 'string' };

const stringOrNull: JsonSchema = { type: ['string', 'null'] };

const Currency: JsonSchema = { type: 'string', pattern: '^[A-Z]{3}$' };

const booleanValue: JsonSchema = { type: 'boolean' };

const packId: JsonSchema = { type: 'string', pattern: '^pack_[A-Za-z0-9_]{1,64}$' };

const nonNegativeInteger: JsonSchema = { type: 'integer', minimum: 0, maximum: 9007199254740991 };

const Pool: JsonSchema = { type: 'string', enum: ['voice', 'sms'] };

const packIdOrNull: JsonSchema = /* @__PURE__ */ nullable(packId);

const s0: JsonSchema = /* @__PURE__ */ record(Pool, nonNegativeInteger);

export const AutoRefill: Schema<C.z.output<typeof C.AutoRefill>> = /* @__PURE__ */ object({
  policy: /* @__PURE__ */ object({
    allowed: booleanValue,
    packIds: /* @__PURE__ */ array(packId),
    maxPerMonth: nonNegativeInteger,
  }),
  settings: /* @__PURE__ */ array(
    /* @__PURE__ */ object({
      pool: Pool,
      enabled: booleanValue,
      threshold: nonNegativeInteger,
      packId: packIdOrNull,
      maxPerMonth: nonNegativeInteger,
    }),
  ),
  refillsThisMonth: s0,
  paymentMethod: /* @__PURE__ */ nullable(/* @__PURE__ */ object({ brand: stringValue, last4: stringValue })),
});

const integer: JsonSchema = { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 };

const PoolBalance: JsonSchema = /* @__PURE__ */ object({
  pool: Pool,
  available: integer,
  included: /* @__PURE__ */ object({ granted: nonNegativeInteger, remaining: nonNegativeInteger, resetsAt: Timestamp }),
  purchased: /* @__PURE__ */ object({ remaining: integer }),
  usedThisPeriod: nonNegativeInteger,
  cap: /* @__PURE__ */ nullable(/* @__PURE__ */ object({ limit: nonNegativeInteger, used: nonNegativeInteger })),
  lowThreshold: nonNegativeInteger,
  status: { type: 'string', enum: ['ok', 'low', 'depleted', 'capped', 'paused'] },
});

export const Balances: Schema<C.z.output<typeof C.Balances>> = /* @__PURE__ */ object({
  seq: nonNegativeInteger,
  voice: PoolBalance,
  sms: PoolBalance,
  periodStart: Timestamp,
  periodEnd: Timestamp,
});

const planId: JsonSchema = { type: 'string', pattern: '^plan_[A-Za-z0-9_]{1,64}$' };

const Money: JsonSchema = /* @__PURE__ */ object({ amount: nonNegativeInteger, currency: Currency });

const VoiceProvider: JsonSchema = { type: 'string', enum: ['deepgram', 'cartesia', 'elevenlabs'] };

const Country: JsonSchema = { type: 'string', pattern: '^[A-Z]{2}$' };

const RateCard: JsonSchema = /* @__PURE__ */ object({
  voice: /* @__PURE__ */ record(VoiceProvider, nonNegativeInteger),
  sms: /* @__PURE__ */ record(Country, nonNegativeInteger),
});

const planIdOrNull: JsonSchema = /* @__PURE__ */ nullable(planId);

const positiveInteger: JsonSchema = { type: 'integer', minimum: 1, maximum: 9007199254740991 };

export const WidgetBootstrap: Schema<C.z.output<typeof C.WidgetBootstrap>> = /* @__PURE__ */ object({
  serverTime: Timestamp,
  brand: /* @__PURE__ */ object({
    name: stringValue,
    logoUrl: stringOrNull,
    colors: /* @__PURE__ */ object({ primary: stringValue, accent: stringOrNull }),
    supportEmail: stringOrNull,
    supportUrl: stringOrNull,
    terms: /* @__PURE__ */ record(stringValue, stringValue),
  }),
  subAccount: /* @__PURE__ */ object({ id: { type: 'string', pattern: '^sa_[A-Za-z0-9_]{1,64}$' }, name: stringValue }),
  locale: stringValue,
  currency: Currency,
  billingMode: { type: 'string', enum: ['in_app', 'external'] },
  autoRefill: AutoRefill,
  balances: Balances,
  plans: /* @__PURE__ */ array(
    /* @__PURE__ */ object({
      id: planId,
      name: stringValue,
      description: stringValue,
      price: Money,
      interval: { type: 'string', enum: ['month', 'year'] },
      included: s0,
      rollover: booleanValue,
      caps: /* @__PURE__ */ record(Pool, /* @__PURE__ */ nullable(nonNegativeInteger)),
      rates: RateCard,
      features: /* @__PURE__ */ array(stringValue),
      recommended: booleanValue,
    }),
  ),
  currentPlanId: planIdOrNull,
  packs: /* @__PURE__ */ array(
    /* @__PURE__ */ object({ id: packId, pool: Pool, name: stringValue, credits: nonNegativeInteger, price: Money }),
  ),
  customQuantities: /* @__PURE__ */ array(
    /* @__PURE__ */ object({
      pool: Pool,
      minCredits: nonNegativeInteger,
      maxCredits: nonNegativeInteger,
      currency: Currency,
      tiers: /* @__PURE__ */ array(
        /* @__PURE__ */ object({ minCredits: nonNegativeInteger, unitAmount: nonNegativeInteger }),
      ),
    }),
  ),
  rateCard: RateCard,
  recentUsage: /* @__PURE__ */ object({ days: positiveInteger, voice: nonNegativeInteger, sms: nonNegativeInteger }),
});

const quoteId: JsonSchema = { type: 'string', pattern: '^qt_[A-Za-z0-9_]{1,64}$' };

export const Quote: Schema<C.z.output<typeof C.Quote>> = /* @__PURE__ */ object({
  id: quoteId,
  pool: Pool,
  packId: packIdOrNull,
  credits: nonNegativeInteger,
  amount: Money,
  expiresAt: Timestamp,
});

const purchaseId: JsonSchema = { type: 'string', pattern: '^pur_[A-Za-z0-9_]{1,64}$' };

export const Purchase: Schema<C.z.output<typeof C.Purchase>> = /* @__PURE__ */ object({
  id: purchaseId,
  quoteId,
  pool: Pool,
  credits: nonNegativeInteger,
  amount: Money,
  status: { type: 'string', enum: ['requires_payment', 'processing', 'succeeded', 'failed', 'canceled'] },
  checkoutUrl: stringOrNull,
  createdAt: Timestamp,
  granted: booleanValue,
  refunded: booleanValue,
  failureCode: stringOrNull,
});

export const PlanChange: Schema<C.z.output<typeof C.PlanChange>> = /* @__PURE__ */ object({
  id: { type: 'string', pattern: '^pc_[A-Za-z0-9_]{1,64}$' },
  fromPlanId: planIdOrNull,
  toPlanId: planId,
  status: { type: 'string', enum: ['succeeded'] },
  effectiveAt: Timestamp,
});

export const CreditRequest: Schema<C.z.output<typeof C.CreditRequest>> = /* @__PURE__ */ object({
  id: { type: 'string', pattern: '^cr_[A-Za-z0-9_]{1,64}$' },
  pool: Pool,
  credits: nonNegativeInteger,
  message: stringValue,
  status: { type: 'string', enum: ['open', 'fulfilled', 'declined'] },
  createdAt: Timestamp,
});

export const LedgerPage: Schema<C.z.output<typeof C.LedgerPage>> = /* @__PURE__ */ object({
  entries: /* @__PURE__ */ array(
    /* @__PURE__ */ object({
      id: { type: 'string', pattern: '^le_[A-Za-z0-9_]{1,64}$' },
      seq: positiveInteger,
      pool: Pool,
      kind: {
        type: 'string',
        enum: [
          'included_grant',
          'period_reset',
          'plan_change',
          'purchase',
          'auto_refill',
          'manual_grant',
          'usage',
          'refund',
        ],
      },
      delta: /* @__PURE__ */ object({ included: integer, purchased: integer }),
      balanceAfter: /* @__PURE__ */ object({ included: nonNegativeInteger, purchased: integer, available: integer }),
      createdAt: Timestamp,
      description: stringValue,
      usage: /* @__PURE__ */ nullable({
        anyOf: [
          /* @__PURE__ */ object({
            kind: { type: 'string', const: 'voice' },
            seconds: nonNegativeInteger,
            provider: VoiceProvider,
          }),
          /* @__PURE__ */ object({
            kind: { type: 'string', const: 'sms' },
            count: nonNegativeInteger,
            country: Country,
          }),
        ],
      }),
      purchaseId: /* @__PURE__ */ nullable(purchaseId),
      usageEventId: stringOrNull,
    }),
  ),
  nextCursor: stringOrNull,
});

const Day: JsonSchema = {
  type: 'string',
  format: 'date',
  pattern:
    '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$',
};

export const UsageSeries: Schema<C.z.output<typeof C.UsageSeries>> = /* @__PURE__ */ object({
  pool: Pool,
  from: Day,
  to: Day,
  bucket: { type: 'string', const: 'day' },
  buckets: /* @__PURE__ */ array(
    /* @__PURE__ */ object({
      day: Day,
      credits: nonNegativeInteger,
      byKey: /* @__PURE__ */ record(stringValue, nonNegativeInteger),
      seconds: nonNegativeInteger,
      messages: nonNegativeInteger,
    }),
  ),
});

export const StreamEvent: Schema<C.z.output<typeof C.StreamEvent>> = {
  oneOf: [
    /* @__PURE__ */ object({
      type: { type: 'string', const: 'balance' },
      seq: integer,
      prevSeq: nonNegativeInteger,
      balances: Balances,
    }),
    /* @__PURE__ */ object({ type: { type: 'string', const: 'purchase' }, seq: integer, purchase: Purchase }),
    /* @__PURE__ */ object({
      type: { type: 'string', const: 'plan' },
      seq: integer,
      currentPlanId: planId,
      rateCard: RateCard,
    }),
  ],
};

export const ErrorBody: Schema<C.z.output<typeof C.ErrorBody>> = /* @__PURE__ */ object({
  error: /* @__PURE__ */ object(
    {
      code: stringValue,
      message: stringValue,
      requestId: stringValue,
      issues: /* @__PURE__ */ array(/* @__PURE__ */ object({ path: stringValue, message: stringValue })),
    },
    'issues',
  ),
});

// Every API scenario and the Stripe scenarios on PostgreSQL (a throwaway cluster for the whole file).
import { after, before } from 'node:test';
import { postgresTarget, type Target } from './helpers/target.js';
import { apiScenarios, databaseScenarios } from './scenarios/api.js';
import { stripeScenarios } from './scenarios/stripe.js';

let target: Target;
before(async () => {
  target = await postgresTarget();
});
after(async () => {
  await target?.close();
});

apiScenarios(() => target);
stripeScenarios(() => target);
databaseScenarios(() => target);

// Every API scenario and the Stripe scenarios on embedded PGlite (one database for the whole file).
import { after, before } from 'node:test';
import { pgliteTarget, type Target } from './helpers/target.js';
import { apiScenarios, databaseScenarios } from './scenarios/api.js';
import { stripeScenarios } from './scenarios/stripe.js';

let target: Target;
before(async () => {
  target = await pgliteTarget();
});
after(async () => {
  await target?.close();
});

apiScenarios(() => target);
stripeScenarios(() => target);
databaseScenarios(() => target);

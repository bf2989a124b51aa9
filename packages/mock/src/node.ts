/** Everything but the msw handlers: for Node consumers (the reference server's seed, scripts). */
export { agencyInput, BRANDS, CUSTOM_QUANTITIES, PACKS, PLANS, PLATFORM_RATES } from './catalog.js';
export { type Chaos, type Fault, NetworkError, withChaos } from './chaos.js';
export {
  CLIENTS,
  createSimulator,
  DEMO_AGENCIES,
  DEMO_SECRET_KEY,
  SCENARIOS,
  type Scenario,
  type Simulator,
  type SimulatorControls,
  type SimulatorOptions,
} from './simulator.js';

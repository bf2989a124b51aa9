import { createSimulator, mswHandlers, type Scenario } from '@creditkit/mock';
import { BRANDS, DEMO_AGENCIES } from '@creditkit/mock/node';
import { HttpResponse, http } from 'msw';
import { setupWorker } from 'msw/browser';
import { type DemoBackend, describeCall, describeSms } from './backend.js';

export const SIM_API_BASE = 'https://api.platform.example';
export const SESSION_PATH = '/creditkit/session';

/**
 * The platform simulator in this page behind msw's service worker: the widgets' requests to the API,
 * and to the agency's session endpoint, are answered here, with no backend to install.
 */
export async function simulatorBackend(initial: Scenario): Promise<DemoBackend> {
  const sim = await createSimulator({ allowedOrigins: [location.origin] });
  const backend: DemoBackend = {
    kind: 'simulator',
    apiBase: SIM_API_BASE,
    scenario: initial,
    inPageCheckout: true,
    async call(seconds, provider) {
      const r = await sim.controls.call(backend.scenario, seconds, provider as 'deepgram');
      return describeCall(r, seconds, provider);
    },
    async sms(count, country) {
      return describeSms(await sim.controls.sms(backend.scenario, count, country), count, country);
    },
    async refillWallet() {
      await sim.controls.setAgencyWallet(backend.scenario, 'voice', 50_000_000);
      await sim.controls.setAgencyWallet(backend.scenario, 'sms', 10_000_000);
    },
    async drainWallet() {
      await sim.controls.setAgencyWallet(backend.scenario, 'voice', 0);
      await sim.controls.setAgencyWallet(backend.scenario, 'sms', 0);
    },
    async nextBillingPeriod() {
      await sim.controls.nextBillingPeriod(backend.scenario);
    },
    async setBrand(name) {
      for (const { id } of Object.values(DEMO_AGENCIES)) await sim.engine.updateAgency(id, { brand: BRANDS[name] });
    },
    faults({ offline, slow, errors, cutStream }) {
      sim.chaos.offline = offline;
      sim.chaos.latencyMs = slow ? 1500 : 0;
      sim.chaos.errorRate = errors ? 0.3 : 0;
      if (cutStream) sim.chaos.dropStreamAfterMs = 5000;
      else delete sim.chaos.dropStreamAfterMs;
    },
  };
  // The agency's own backend endpoint: it knows the signed-in client and mints a short session for it.
  const sessionEndpoint = http.post(SESSION_PATH, async () => {
    const { token, expiresAt } = await sim.session(backend.scenario);
    return HttpResponse.json({ token, expiresAt });
  });
  const worker = setupWorker(sessionEndpoint, ...mswHandlers(sim, SIM_API_BASE));
  await worker.start({
    serviceWorker: { url: `${import.meta.env.BASE_URL}mockServiceWorker.js` },
    onUnhandledFrame: 'bypass',
    quiet: true,
  });
  return backend;
}

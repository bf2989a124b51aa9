import { CLIENTS, createSimulator, mswHandlers, type Scenario, type Simulator } from '@creditkit/mock';
import { HttpResponse, http } from 'msw';
import { setupWorker } from 'msw/browser';

export const API_BASE = 'https://api.platform.example';
export const SESSION_PATH = '/creditkit/session';

export interface DemoPlatform {
  sim: Simulator;
  scenario: Scenario;
}

/**
 * Starts the platform simulator in this page behind msw's service worker: the widgets' requests to
 * the API, and to the agency's session endpoint, are answered here, with no backend to install.
 */
export async function startDemoPlatform(initial: Scenario): Promise<DemoPlatform> {
  const sim = await createSimulator({ allowedOrigins: [location.origin] });
  const platform: DemoPlatform = { sim, scenario: initial };
  // The agency's own backend endpoint: it knows the signed-in client and mints a short session for it.
  const sessionEndpoint = http.post(SESSION_PATH, async () => {
    const { token, expiresAt } = await sim.session(platform.scenario);
    return HttpResponse.json({ token, expiresAt });
  });
  const worker = setupWorker(sessionEndpoint, ...mswHandlers(sim, API_BASE));
  await worker.start({
    serviceWorker: { url: `${import.meta.env.BASE_URL}mockServiceWorker.js` },
    onUnhandledFrame: 'bypass',
    quiet: true,
  });
  return platform;
}

export const clientName = (scenario: Scenario): string => CLIENTS[scenario].name;

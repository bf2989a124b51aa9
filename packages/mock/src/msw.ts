import { HttpResponse, http, type RequestHandler } from 'msw';
import { NetworkError } from './chaos.js';
import type { Simulator } from './simulator.js';

/** msw handlers routing every request under `apiBase` to the simulator's Fetch handler. */
export function mswHandlers(simulator: Simulator, apiBase: string): RequestHandler[] {
  const base = apiBase.replace(/\/+$/, '');
  return [
    http.all(`${base}/v1/*`, async ({ request }) => {
      try {
        return await simulator.fetch(request);
      } catch (error) {
        if (error instanceof NetworkError) return HttpResponse.error();
        throw error;
      }
    }),
  ];
}

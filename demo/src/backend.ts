import type { Scenario } from '@creditkit/mock';

/** What the demo's panel can do to the platform, whichever platform the demo runs on. */
export interface DemoBackend {
  readonly kind: 'simulator' | 'server';
  /** Where the widgets reach the API. */
  readonly apiBase: string;
  scenario: Scenario;
  call(seconds: number, provider: string): Promise<string>;
  sms(count: number, country: string): Promise<string>;
  refillWallet(): Promise<void>;
  setBrand(name: 'brightwave' | 'nimbus'): Promise<void>;
  /** Simulator only: the real server has a real clock, a real wallet and a real network. */
  drainWallet?(): Promise<void>;
  nextBillingPeriod?(): Promise<void>;
  faults?(f: { offline: boolean; slow: boolean; errors: boolean; cutStream: boolean }): void;
  /** The simulator pays through an in-page dialog; the server has a real test checkout page. */
  readonly inPageCheckout: boolean;
}

export const credits = (millicredits: number): string =>
  (millicredits / 1000).toLocaleString('en', { maximumFractionDigits: 3 });

export function describeCall(
  r: { usage: { kind: string; seconds?: number }; charged: { client: number }; cutOff: boolean },
  seconds: number,
  provider: string,
): string {
  const served = r.usage.kind === 'voice' ? (r.usage.seconds ?? 0) : 0;
  return `Call: ${served} of ${seconds} s served with ${provider}, ${credits(r.charged.client)} credits charged${
    r.cutOff ? ' — cut off: the credits ran out' : ''
  }.`;
}

export function describeSms(
  r: { usage: { kind: string; count?: number }; charged: { client: number } },
  count: number,
  country: string,
): string {
  const sent = r.usage.kind === 'sms' ? (r.usage.count ?? 0) : 0;
  return `SMS: ${sent} of ${count} sent to ${country}, ${credits(r.charged.client)} credits charged.`;
}

/** The reference server (npm start): the demo agency's backend routes on the same origin. */
export function serverBackend(initial: Scenario): DemoBackend {
  const post = async (path: string, body: object): Promise<Record<string, unknown>> => {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown> & { error?: { message: string } };
    if (!response.ok) throw new Error(json.error?.message ?? `HTTP ${response.status}`);
    return json;
  };
  const backend: DemoBackend = {
    kind: 'server',
    apiBase: location.origin,
    scenario: initial,
    inPageCheckout: false,
    async call(seconds, provider) {
      const r = await post('/demo/usage', { client: backend.scenario, pool: 'voice', seconds, provider });
      return describeCall(r as never, seconds, provider);
    },
    async sms(count, country) {
      const r = await post('/demo/usage', { client: backend.scenario, pool: 'sms', count, country });
      return describeSms(r as never, count, country);
    },
    async refillWallet() {
      await post('/demo/wallet', { client: backend.scenario });
    },
    async setBrand(name) {
      await post('/demo/brand', { brand: name });
    },
  };
  return backend;
}

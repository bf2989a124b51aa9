import { BRANDS, SCENARIOS, type Scenario } from '@creditkit/mock';
import type { DemoPlatform } from './simulator.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const credits = (millicredits: number): string =>
  (millicredits / 1000).toLocaleString('en', { maximumFractionDigits: 3 });

/** Wires the simulator panel: it drives the platform the way the real world would. */
export function wirePanel(platform: DemoPlatform, onClientChange: (scenario: Scenario) => void): void {
  const log = $<HTMLOutputElement>('sim-log');
  const say = (text: string): void => {
    log.value = text;
  };
  const guard = (work: () => Promise<string>) => async () => {
    try {
      say(await work());
    } catch (error) {
      say(`Refused: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const { sim } = platform;

  const client = $<HTMLSelectElement>('sim-client');
  client.value = platform.scenario;
  client.addEventListener('change', () => {
    const next = client.value as Scenario;
    if (!SCENARIOS.includes(next)) return;
    platform.scenario = next;
    onClientChange(next);
    say(`Signed in as another client.`);
  });

  $('sim-call').addEventListener(
    'click',
    guard(async () => {
      const seconds = Number($<HTMLInputElement>('sim-seconds').value);
      const provider = $<HTMLSelectElement>('sim-provider').value as 'deepgram' | 'cartesia' | 'elevenlabs';
      const r = await sim.controls.call(platform.scenario, seconds, provider);
      const served = r.usage.kind === 'voice' ? r.usage.seconds : 0;
      return `Call: ${served} of ${seconds} s served with ${provider}, ${credits(r.charged.client)} credits charged${
        r.cutOff ? ' — cut off: the credits ran out' : ''
      }.`;
    }),
  );
  $('sim-sms').addEventListener(
    'click',
    guard(async () => {
      const count = Number($<HTMLInputElement>('sim-count').value);
      const country = $<HTMLSelectElement>('sim-country').value;
      const r = await sim.controls.sms(platform.scenario, count, country);
      const sent = r.usage.kind === 'sms' ? r.usage.count : 0;
      return `SMS: ${sent} of ${count} sent to ${country}, ${credits(r.charged.client)} credits charged.`;
    }),
  );
  $('sim-drain').addEventListener(
    'click',
    guard(async () => {
      await sim.controls.setAgencyWallet(platform.scenario, 'voice', 0);
      await sim.controls.setAgencyWallet(platform.scenario, 'sms', 0);
      return "The agency's own wallet is empty: its clients' AI is paused.";
    }),
  );
  $('sim-refill').addEventListener(
    'click',
    guard(async () => {
      await sim.controls.setAgencyWallet(platform.scenario, 'voice', 50_000_000);
      await sim.controls.setAgencyWallet(platform.scenario, 'sms', 10_000_000);
      return "The agency's wallet is topped up: service resumes.";
    }),
  );
  $('sim-period').addEventListener(
    'click',
    guard(async () => {
      await sim.controls.nextBillingPeriod(platform.scenario);
      return 'A new billing period started: included credits were reset.';
    }),
  );

  const faults = (): void => {
    sim.chaos.offline = $<HTMLInputElement>('fault-offline').checked;
    sim.chaos.latencyMs = $<HTMLInputElement>('fault-slow').checked ? 1500 : 0;
    sim.chaos.errorRate = $<HTMLInputElement>('fault-errors').checked ? 0.3 : 0;
    if ($<HTMLInputElement>('fault-stream').checked) sim.chaos.dropStreamAfterMs = 5000;
    else delete sim.chaos.dropStreamAfterMs;
  };
  for (const id of ['fault-offline', 'fault-slow', 'fault-errors', 'fault-stream'])
    $(id).addEventListener('change', faults);

  const brand = $<HTMLSelectElement>('sim-brand');
  brand.addEventListener(
    'change',
    guard(async () => {
      const name = brand.value === 'nimbus' ? 'nimbus' : 'brightwave';
      const b = BRANDS[name];
      for (const id of ['ag_brightwave', 'ag_brightwavepaused', 'ag_brightwaveexternal']) {
        await sim.engine.updateAgency(id, { brand: b });
      }
      document.documentElement.dataset.brand = name;
      $<HTMLImageElement>('logo').src = `/${name}.svg`;
      $('brand-name').textContent = b.name;
      document.title = `Billing — ${b.name}`;
      onClientChange(platform.scenario);
      return `Now white-labelled as ${b.name}.`;
    }),
  );
  const theme = $<HTMLSelectElement>('sim-theme');
  theme.addEventListener('change', () => {
    document.documentElement.dataset.theme = theme.value;
    $('provider').setAttribute('theme', theme.value);
  });
}

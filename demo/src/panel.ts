import { BRANDS, CLIENTS, SCENARIOS, type Scenario } from '@creditkit/mock/node';
import type { DemoBackend } from './backend.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Wires the simulator panel: it drives the platform the way the real world would. */
export function wirePanel(backend: DemoBackend, onClientChange: (scenario: Scenario) => void): void {
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

  const client = $<HTMLSelectElement>('sim-client');
  client.value = backend.scenario;
  client.addEventListener('change', () => {
    const next = client.value as Scenario;
    if (!SCENARIOS.includes(next)) return;
    backend.scenario = next;
    onClientChange(next);
    say(`Signed in as ${CLIENTS[next].name}.`);
  });

  $('sim-call').addEventListener(
    'click',
    guard(() =>
      backend.call(Number($<HTMLInputElement>('sim-seconds').value), $<HTMLSelectElement>('sim-provider').value),
    ),
  );
  $('sim-sms').addEventListener(
    'click',
    guard(() => backend.sms(Number($<HTMLInputElement>('sim-count').value), $<HTMLSelectElement>('sim-country').value)),
  );
  $('sim-refill').addEventListener(
    'click',
    guard(async () => {
      await backend.refillWallet();
      return "The agency's wallet is topped up: service resumes.";
    }),
  );

  // What only the simulator can do: say so on the real server instead of pretending.
  const simOnly = (id: string, enabled: boolean): void => {
    const el = $<HTMLButtonElement | HTMLInputElement>(id);
    el.disabled = !enabled;
    if (!enabled) el.title = 'Only in the in-browser simulator (npm run demo)';
  };
  const { drainWallet, nextBillingPeriod, faults } = backend;
  simOnly('sim-drain', Boolean(drainWallet));
  simOnly('sim-period', Boolean(nextBillingPeriod));
  for (const id of ['fault-offline', 'fault-slow', 'fault-errors', 'fault-stream']) simOnly(id, Boolean(faults));
  if (backend.kind === 'server')
    $('sim-mode').textContent = 'Running on the reference server: some controls are simulator-only.';

  $('sim-drain').addEventListener(
    'click',
    guard(async () => {
      await drainWallet?.call(backend);
      return "The agency's own wallet is empty: its clients' AI is paused.";
    }),
  );
  $('sim-period').addEventListener(
    'click',
    guard(async () => {
      await nextBillingPeriod?.call(backend);
      return 'A new billing period started: included credits were reset.';
    }),
  );
  const onFaults = (): void =>
    faults?.call(backend, {
      offline: $<HTMLInputElement>('fault-offline').checked,
      slow: $<HTMLInputElement>('fault-slow').checked,
      errors: $<HTMLInputElement>('fault-errors').checked,
      cutStream: $<HTMLInputElement>('fault-stream').checked,
    });
  for (const id of ['fault-offline', 'fault-slow', 'fault-errors', 'fault-stream'])
    $(id).addEventListener('change', onFaults);

  const brand = $<HTMLSelectElement>('sim-brand');
  brand.addEventListener(
    'change',
    guard(async () => {
      const name = brand.value === 'nimbus' ? 'nimbus' : 'brightwave';
      await backend.setBrand(name);
      const b = BRANDS[name];
      document.documentElement.dataset.brand = name;
      $<HTMLImageElement>('logo').src = `/${name}.svg`;
      $('brand-name').textContent = b.name;
      $('footer-brand').textContent = b.name;
      document.title = `Billing — ${b.name}`;
      onClientChange(backend.scenario);
      return `Now white-labelled as ${b.name.replace(/\.$/, '')}.`;
    }),
  );
  const theme = $<HTMLSelectElement>('sim-theme');
  theme.addEventListener('change', () => {
    document.documentElement.dataset.theme = theme.value;
    $('provider').setAttribute('theme', theme.value);
  });
}

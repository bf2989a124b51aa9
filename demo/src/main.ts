import type { CkCheckoutEvent, CkProvider } from '@creditkit/elements';
import { CLIENTS, type Scenario, SCENARIOS } from '@creditkit/mock/node';
import { type DemoBackend, serverBackend } from './backend.js';
import { wirePanel } from './panel.js';

const provider = document.getElementById('provider') as CkProvider;
const wanted = new URLSearchParams(location.search).get('client') ?? 'healthy';
const initial: Scenario = (SCENARIOS as readonly string[]).includes(wanted) ? (wanted as Scenario) : 'healthy';

/** On the reference server (`npm start`) the demo talks to the real API; elsewhere to the in-page simulator. */
async function pickBackend(): Promise<DemoBackend> {
  const probe = await fetch('/creditkit/demo.json', { cache: 'no-store' }).catch(() => null);
  if (probe?.ok) return serverBackend(initial);
  const { simulatorBackend } = await import('./simulator.js');
  return simulatorBackend(initial);
}

const backend = await pickBackend();

/** Signs in as another client: a new session endpoint URL makes the provider start a fresh client. */
const signIn = (scenario: Scenario): void => {
  document.getElementById('client-name')!.textContent = CLIENTS[scenario].name;
  provider.setAttribute('api-base', backend.apiBase);
  provider.setAttribute('session-endpoint', `/creditkit/session?client=${scenario}`);
};
signIn(backend.scenario);
wirePanel(backend, signIn);
// The widgets start talking to the API as soon as their tags are defined: only once the platform
// listens and the provider points at it.
await import('@creditkit/elements/define');

// With the simulator, the test-mode checkout is an in-page dialog: a popup or a new tab would not
// reach the in-page simulator, so the demo pays through the same API the real checkout page uses.
const dialog = document.getElementById('checkout') as HTMLDialogElement;
document.addEventListener('ck-checkout', (event: CkCheckoutEvent) => {
  if (!backend.inPageCheckout) return;
  event.preventDefault();
  const { purchase } = event;
  const url = new URL(purchase.checkoutUrl ?? '');
  const amount = new Intl.NumberFormat('en', { style: 'currency', currency: purchase.amount.currency }).format(
    purchase.amount.amount / 100,
  );
  document.getElementById('checkout-summary')!.textContent =
    `${(purchase.credits / 1000).toLocaleString('en')} credits for ${amount}`;
  dialog.querySelector<HTMLButtonElement>('[data-action=pay]')!.textContent = `Pay ${amount}`;
  const finish = (action: string) => async () => {
    dialog.close();
    await fetch(`${url.origin}${url.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: url.searchParams.get('token'), action }),
    });
  };
  for (const button of dialog.querySelectorAll<HTMLButtonElement>('[data-action]')) {
    button.onclick = finish(button.dataset.action ?? 'cancel');
  }
  // Escape closes the dialog: that is a cancelled checkout, and the widget hears so from the server.
  dialog.oncancel = () => void finish('cancel')();
  dialog.showModal();
});

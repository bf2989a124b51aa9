import type { CkCheckoutEvent, CkProvider } from '@creditkit/elements';
import { CLIENTS, SCENARIOS, type Scenario } from '@creditkit/mock/node';
import { type DemoBackend, serverBackend } from './backend.js';
import { wirePanel } from './panel.js';

const provider = document.getElementById('provider') as CkProvider;
const wanted = new URLSearchParams(location.search).get('client') ?? 'healthy';
const initial: Scenario = (SCENARIOS as readonly string[]).includes(wanted) ? (wanted as Scenario) : 'healthy';

/**
 * On the reference server (`npm start`) the demo talks to the real API; elsewhere to the in-page simulator.
 * The site ships `/creditkit/demo.json` saying `simulator` (so a static host answers it without a 404 in
 * the console); the reference server answers the same URL with `server`.
 */
async function pickBackend(): Promise<DemoBackend> {
  const probe = await fetch('/creditkit/demo.json', { cache: 'no-store' }).catch(() => null);
  const body = probe?.ok ? ((await probe.json().catch(() => null)) as { platform?: string } | null) : null;
  if (body?.platform === 'server') return serverBackend(initial);
  const { simulatorBackend } = await import('./simulator.js');
  return simulatorBackend(initial);
}

const backend = await pickBackend();

/**
 * Signs in (again): a new session endpoint URL makes the provider start a fresh client. Signing in
 * again as the same client (after a brand change) sets the same URL, which is no change to the
 * provider: `requestUpdate` makes it start a fresh client anyway, so the widgets load the new brand.
 */
const signIn = (scenario: Scenario): void => {
  document.getElementById('client-name')!.textContent = CLIENTS[scenario].name;
  provider.setAttribute('api-base', backend.apiBase);
  provider.setAttribute('session-endpoint', `/creditkit/session?client=${scenario}`);
  // Before the tags are defined (the first sign-in) the provider is a plain element: nothing to restart.
  if (customElements.get('ck-provider')) provider.requestUpdate('sessionEndpoint', null);
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

import type { CkCheckoutEvent, CkProvider } from '@creditkit/elements';
import type { Scenario } from '@creditkit/mock';
import { wirePanel } from './panel.js';
import { API_BASE, clientName, SESSION_PATH, startDemoPlatform } from './simulator.js';

const provider = document.getElementById('provider') as CkProvider;
const initial = (new URLSearchParams(location.search).get('client') ?? 'healthy') as Scenario;
const platform = await startDemoPlatform(initial);
// The widgets start talking to the API as soon as their tags are defined: only once the simulator listens.
await import('@creditkit/elements/define');

let generation = 0;
/** Signs in as another client: a new session endpoint URL makes the provider start a fresh client. */
const signIn = (scenario: Scenario): void => {
  document.getElementById('client-name')!.textContent = clientName(scenario);
  provider.setAttribute('api-base', API_BASE);
  provider.setAttribute('session-endpoint', `${SESSION_PATH}?v=${++generation}`);
};
signIn(platform.scenario);
wirePanel(platform, signIn);

// The test-mode checkout as an in-page dialog: with msw, a popup or a new tab would not reach the
// in-page simulator, so the demo pays through the same API the real checkout page uses.
const dialog = document.getElementById('checkout') as HTMLDialogElement;
document.addEventListener('ck-checkout', (event: CkCheckoutEvent) => {
  event.preventDefault();
  const { purchase } = event;
  const url = new URL(purchase.checkoutUrl ?? '');
  const amount = new Intl.NumberFormat('en', { style: 'currency', currency: purchase.amount.currency }).format(
    purchase.amount.amount / 100,
  );
  document.getElementById('checkout-summary')!.textContent =
    `${(purchase.credits / 1000).toLocaleString('en')} credits for ${amount}`;
  const pay = dialog.querySelector<HTMLButtonElement>('[data-action=pay]')!;
  pay.textContent = `Pay ${amount}`;
  const done = (action: string) => async () => {
    dialog.close();
    await fetch(`${url.origin}${url.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: url.searchParams.get('token'), action }),
    });
  };
  for (const button of dialog.querySelectorAll<HTMLButtonElement>('[data-action]')) {
    button.onclick = done(button.dataset.action ?? 'cancel');
  }
  // Escape closes the dialog: that is a cancelled checkout, and the widget hears so from the server.
  dialog.oncancel = () => void done('cancel')();
  dialog.showModal();
});

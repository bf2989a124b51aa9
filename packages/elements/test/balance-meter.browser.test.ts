import { createSimulator, mswHandlers } from '@creditkit/mock';
import { createClient } from '@creditkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setupWorker } from 'msw/browser';
import '../src/define.js';

const API = 'https://api.creditkit.test';

describe('ck-balance-meter', () => {
  let worker: ReturnType<typeof setupWorker>;
  let sim: Awaited<ReturnType<typeof createSimulator>>;
  before(async () => {
    sim = await createSimulator();
    worker = setupWorker(...mswHandlers(sim, API));
    await worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledFrame: 'bypass', quiet: true });
  });
  after(() => worker.stop());

  it('shows the available credits as a meter', async () => {
    const client = createClient({ apiBase: API, fetchSessionToken: () => sim.session('low') });
    const el = await fixture(
      html`<ck-provider .client=${client}><ck-balance-meter pool="voice"></ck-balance-meter></ck-provider>`,
    );
    const meter = el.querySelector('ck-balance-meter')!;
    await waitUntil(() => meter.shadowRoot?.querySelector('[role=meter]'), 'meter rendered', { timeout: 5000 });
    const role = meter.shadowRoot!.querySelector('[role=meter]')!;
    expect(role.getAttribute('aria-valuetext')).to.contain('12');
    expect(meter.getAttribute('status')).to.equal('low');
    expect(meter.shadowRoot!.textContent).to.contain('Running low');
    await expect(meter).shadowDom.to.be.accessible();
  });
});

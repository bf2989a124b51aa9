import type { Simulator } from '@creditkit/mock';
import { createClient } from '@creditkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { SetupWorker } from 'msw/browser';
import '../src/define.js';
import { API, startSimulator } from './queries.js';

describe('ck-balance-meter', () => {
  let worker: SetupWorker;
  let sim: Simulator;
  before(async () => {
    ({ sim, worker } = await startSimulator());
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

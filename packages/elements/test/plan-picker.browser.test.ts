import type { Plan } from '@creditkit/contract';
import { PLANS } from '@creditkit/mock';
import { type CreditkitClient, createClient } from '@creditkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { en } from '../src/i18n/en.js';
import { CkPlanPicker } from '../src/plan-picker/plan-picker.js';
import { CkProvider } from '../src/provider/provider.js';
import { define } from '../src/shared/define.js';
import type { CkErrorEvent, CkPlanChangeEvent } from '../src/shared/events.js';
import { byRole, focused, simulatorPerTest, tabTo, text } from './queries.js';

define('ck-provider', CkProvider);
define('ck-plan-picker', CkPlanPicker);

/** The plan card whose heading is `name`. */
const card = (picker: CkPlanPicker, name: string): HTMLElement | null =>
  byRole(picker.shadowRoot as ShadowRoot, 'heading', name)?.closest('li') ?? null;

describe('ck-plan-picker', () => {
  // A fresh platform per test, on its own API host: plan changes and catalogue edits must not leak between tests.
  const mock = simulatorPerTest({ hostPerTest: true });
  let client: CreditkitClient | null = null;

  afterEach(() => {
    client?.destroy();
    client = null;
  });

  async function mount(
    options: { scenario?: 'healthy' | 'low'; wait?: boolean; retries?: number } = {},
  ): Promise<CkPlanPicker> {
    client = createClient({
      apiBase: mock.api,
      fetchSessionToken: () => mock.sim.session(options.scenario ?? 'healthy'),
      ...(options.retries === undefined ? {} : { retries: options.retries }),
    });
    const el = await fixture(html`<ck-provider .client=${client}><ck-plan-picker></ck-plan-picker></ck-provider>`);
    const picker = el.querySelector('ck-plan-picker') as CkPlanPicker;
    if (options.wait !== false) {
      await waitUntil(() => picker.shadowRoot?.querySelector('.plans li:not([aria-hidden])'), 'plans rendered', {
        timeout: 5000,
      });
    }
    return picker;
  }

  it("renders the agency's plans with prices, included credits and rates", async () => {
    const picker = await mount();
    const root = picker.shadowRoot as ShadowRoot;
    expect([...root.querySelectorAll('h3')].map(text)).to.deep.equal(['Starter', 'Growth', 'Scale']);

    const starter = card(picker, 'Starter') as HTMLElement;
    expect(text(starter)).to.contain('$49.00 / month');
    expect(text(starter)).to.contain('100 Voice credits included each month');
    expect(text(starter)).to.contain('20 SMS credits included each month');
    expect(text(starter)).to.contain('Email support');
    expect(text(card(picker, 'Scale'))).to.contain('$299.00 / month');
    expect(text(card(picker, 'Scale'))).to.contain('Unused included credits roll over');
    expect(text(card(picker, 'Starter'))).not.to.contain('roll over');

    // Rates are behind a native disclosure, per provider (credits per minute) and per SMS country.
    const details = starter.querySelector('details') as HTMLDetailsElement;
    expect(details.open).to.equal(false);
    (details.querySelector('summary') as HTMLElement).click();
    expect(details.open).to.equal(true);
    expect(text(details)).to.contain('Deepgram1 credit per minute');
    expect(text(details)).to.contain('Cartesia1.2 credits per minute');
    expect(text(details)).to.contain('ElevenLabs1.5 credits per minute');
    expect(text(details)).to.contain('United States0.166 credits per SMS');
    await expect(picker).shadowDom.to.be.accessible();
  });

  it("marks the client's current plan and the recommended one", async () => {
    const picker = await mount();
    const growth = card(picker, 'Growth') as HTMLElement;
    expect(growth.getAttribute('aria-current')).to.equal('true');
    expect(text(growth)).to.contain('Current plan');
    expect(text(growth)).to.contain('Recommended');
    // The current plan offers no "Choose" button; the others do.
    expect(byRole(growth, 'button')).to.equal(null);
    expect(byRole(card(picker, 'Scale') as HTMLElement, 'button', 'Choose Scale')).not.to.equal(null);
    expect(card(picker, 'Scale')?.hasAttribute('aria-current')).to.equal(false);
    await expect(picker).shadowDom.to.be.accessible();
  });

  it('changes plan with the keyboard alone and fires ck-plan-change once', async () => {
    const picker = await mount();
    const events: CkPlanChangeEvent[] = [];
    picker.addEventListener('ck-plan-change', (e) => events.push(e));
    const choose = () => byRole(picker.shadowRoot as ShadowRoot, 'button', 'Choose Scale');
    await tabTo(picker, choose);
    await sendKeys({ press: 'Enter' });

    // Focus lands on the question, so a second Enter cannot switch by accident.
    await waitUntil(() => focused(picker)?.getAttribute('role') === 'group', 'confirmation focused');
    const confirm = byRole(picker.shadowRoot as ShadowRoot, 'group', 'Switch to Scale for $299.00 / month?');
    expect(confirm).not.to.equal(null);
    expect(focused(picker)).to.equal(confirm);
    await expect(picker).shadowDom.to.be.accessible();
    await sendKeys({ press: 'Enter' });
    expect(events).to.have.length(0);

    await sendKeys({ press: 'Tab' });
    expect(text(focused(picker))).to.equal('Switch plan');
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Enter' }); // an impatient second press must not change twice
    await waitUntil(() => events.length > 0, 'ck-plan-change fired', { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 300));

    expect(events).to.have.length(1);
    const [event] = events as [CkPlanChangeEvent];
    expect(event.change.fromPlanId).to.equal('plan_growth');
    expect(event.change.toPlanId).to.equal('plan_scale');
    expect(event.plan.name).to.equal('Scale');
    expect(event.bubbles && event.composed).to.equal(true);
    expect(client?.$currentPlanId.get()).to.equal('plan_scale');

    await waitUntil(() => card(picker, 'Scale')?.getAttribute('aria-current') === 'true', 'Scale is current');
    expect(text(byRole(picker.shadowRoot as ShadowRoot, 'status'))).to.contain("You're now on Scale.");
    expect(focused(picker)?.classList.contains('done')).to.equal(true);
    expect(card(picker, 'Growth')?.hasAttribute('aria-current')).to.equal(false);
    expect(byRole(card(picker, 'Growth') as HTMLElement, 'button', 'Choose Growth')).not.to.equal(null);
    await expect(picker).shadowDom.to.be.accessible();
  });

  it('Escape and Cancel close the confirmation and return focus to the button', async () => {
    const picker = await mount();
    const events: Event[] = [];
    picker.addEventListener('ck-plan-change', (e) => events.push(e));
    const choose = () => byRole(picker.shadowRoot as ShadowRoot, 'button', 'Choose Starter');
    await tabTo(picker, choose);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => byRole(picker.shadowRoot as ShadowRoot, 'group'), 'confirmation shown');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => focused(picker) === choose(), 'focus back on Choose Starter');
    expect(byRole(picker.shadowRoot as ShadowRoot, 'group')).to.equal(null);

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => byRole(picker.shadowRoot as ShadowRoot, 'group'), 'confirmation shown again');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(text(focused(picker))).to.equal('Cancel');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused(picker) === choose(), 'focus back after Cancel');
    expect(events).to.have.length(0);
    expect(client?.$currentPlanId.get()).to.equal('plan_growth');
  });

  it('a failed change says why, fires ck-error, and can be retried', async () => {
    // One retry keeps the test quick on a busy machine; the SDK's default is three.
    const picker = await mount({ retries: 1 });
    const changes: Event[] = [];
    const errors: CkErrorEvent[] = [];
    picker.addEventListener('ck-plan-change', (e) => changes.push(e));
    picker.addEventListener('ck-error', (e) => errors.push(e));
    // The first attempt and the SDK's retry (same Idempotency-Key) both fail.
    mock.sim.chaos.script = [{ path: '/v1/plan-changes', kind: 503, times: 2 }];
    (byRole(picker.shadowRoot as ShadowRoot, 'button', 'Choose Scale') as HTMLElement).click();
    await waitUntil(() => byRole(picker.shadowRoot as ShadowRoot, 'button', 'Switch plan'), 'confirmation shown');
    (byRole(picker.shadowRoot as ShadowRoot, 'button', 'Switch plan') as HTMLElement).click();

    await waitUntil(() => byRole(picker.shadowRoot as ShadowRoot, 'alert'), 'error shown', { timeout: 8000 });
    const detail = (en as Record<string, string>)['error.internal_error'];
    expect(text(byRole(picker.shadowRoot as ShadowRoot, 'alert'))).to.equal(
      detail ? `${en['plans.failed']} ${detail}` : en['plans.failed'],
    );
    expect(errors).to.have.length(1);
    expect(errors[0]?.error.code).to.equal('internal_error');
    expect(changes).to.have.length(0);
    expect(client?.$currentPlanId.get()).to.equal('plan_growth');
    await expect(picker).shadowDom.to.be.accessible();

    (byRole(picker.shadowRoot as ShadowRoot, 'button', 'Try again') as HTMLElement).click();
    await waitUntil(() => changes.length === 1, 'changed on retry', { timeout: 5000 });
    await waitUntil(() => card(picker, 'Scale')?.getAttribute('aria-current') === 'true', 'Scale is current');
    expect(byRole(picker.shadowRoot as ShadowRoot, 'alert')).to.equal(null);
  });

  it('THREATS 21: hostile plan names and features are shown as text and trimmed', async () => {
    const long = `Long${'x'.repeat(10_000)}`;
    const hostile: Plan[] = PLANS.map((plan, i) => ({
      ...plan,
      name:
        ['<script>window.__pwned = 1</script>', '"><img src=x onerror="window.__pwned=1">', `\u202eevil\u202c ${long}`][
          i
        ] ?? plan.name,
      description: i === 2 ? long : `🎉 ${plan.description}`,
      features: ['<b>bold</b>', long, '🚀 rockets'],
    }));
    await mock.sim.engine.updateCatalog('ag_brightwave', { plans: hostile });
    const picker = await mount();
    const root = picker.shadowRoot as ShadowRoot;
    const names = [...root.querySelectorAll('h3')].map((h) => h.textContent ?? '');

    expect(names[0]).to.equal('<script>window.__pwned = 1</script>');
    expect(names[1]).to.equal('"><img src=x onerror="window.__pwned=1">');
    expect(root.querySelector('script, img, b')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    // Bidi overrides are stripped; 10 KB strings end in an ellipsis.
    expect(names[2]).not.to.match(/[\u202a-\u202e]/);
    expect([...(names[2] as string)].length).to.be.at.most(60);
    expect(names[2]?.endsWith('…')).to.equal(true);
    expect(text(root).length).to.be.below(4000);
    expect(text(root)).to.contain('🚀 rockets');
    // The card does not overflow the widget however long the word.
    const plan = card(picker, names[2] as string) as HTMLElement;
    expect(plan.scrollWidth).to.be.at.most(plan.clientWidth + 1);
    expect(byRole(root, 'button', /^Choose <script>/)).not.to.equal(null);
    await expect(picker).shadowDom.to.be.accessible();
  });

  it('says so when the agency has no plans', async () => {
    await mock.sim.engine.updateCatalog('ag_brightwave', { plans: [] });
    const picker = await mount({ wait: false });
    await waitUntil(() => picker.shadowRoot?.querySelector('.empty'), 'empty state', { timeout: 5000 });
    expect(text(picker.shadowRoot?.querySelector('.empty'))).to.equal('No plans are available right now.');
    await expect(picker).shadowDom.to.be.accessible();
  });

  it('shows a skeleton in the same box while loading', async () => {
    // A slow answer rather than none: a request left hanging outlives the test in the service worker.
    mock.sim.chaos.latencyMs = 2000;
    const picker = await mount({ wait: false });
    const base = picker.shadowRoot?.querySelector('[part=base]') as HTMLElement;
    expect(base.getAttribute('aria-busy')).to.equal('true');
    expect(base.querySelectorAll('.plans li')).to.have.length(3);
    expect(text(byRole(picker.shadowRoot as ShadowRoot, 'status'))).to.equal('Loading…');
    await expect(picker).shadowDom.to.be.accessible();
  });

  it('shows an error with retry when the plans cannot be loaded', async () => {
    mock.sim.chaos.script = [{ path: '/v1/widget', kind: 503, times: 1 }];
    const picker = await mount({ wait: false, retries: 0 });
    await waitUntil(() => byRole(picker.shadowRoot as ShadowRoot, 'alert'), 'error shown', { timeout: 8000 });
    const detail = (en as Record<string, string>)['error.internal_error'] ?? en['state.error'];
    expect(text(byRole(picker.shadowRoot as ShadowRoot, 'alert'))).to.contain(detail);
    await expect(picker).shadowDom.to.be.accessible();
    (byRole(picker.shadowRoot as ShadowRoot, 'button', 'Try again') as HTMLElement).click();
    await waitUntil(() => card(picker, 'Growth'), 'plans after retry', { timeout: 5000 });
  });

  it('says the client is signed out when no session can be had', async () => {
    client = createClient({ apiBase: mock.api, fetchSessionToken: () => Promise.reject(new Error('no session')) });
    const el = await fixture(html`<ck-provider .client=${client}><ck-plan-picker></ck-plan-picker></ck-provider>`);
    const picker = el.querySelector('ck-plan-picker') as CkPlanPicker;
    await waitUntil(() => byRole(picker.shadowRoot as ShadowRoot, 'alert'), 'signed-out shown', { timeout: 8000 });
    expect(text(byRole(picker.shadowRoot as ShadowRoot, 'alert'))).to.contain("We can't sign you in right now.");
    await expect(picker).shadowDom.to.be.accessible();
  });

  it('marks the plans stale when they cannot be refreshed', async () => {
    const picker = await mount();
    mock.sim.chaos.offline = true;
    await client?.refresh().catch(() => {});
    await waitUntil(() => picker.shadowRoot?.querySelector('.stale'), 'stale note', { timeout: 5000 });
    expect(text(picker.shadowRoot?.querySelector('.stale'))).to.match(/Plans may be out of date/);
    expect(card(picker, 'Growth')).not.to.equal(null);
    await expect(picker).shadowDom.to.be.accessible();
    mock.sim.chaos.offline = false;
  });

  it('says it is not set up when the provider has a bad configuration', async () => {
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      const el = await fixture(
        html`<ck-provider api-base="javascript:alert(1)" session-endpoint="/s"><ck-plan-picker></ck-plan-picker></ck-provider>`,
      );
      const picker = el.querySelector('ck-plan-picker') as CkPlanPicker;
      await waitUntil(() => byRole(picker.shadowRoot as ShadowRoot, 'alert'), 'config error shown');
      expect(text(byRole(picker.shadowRoot as ShadowRoot, 'alert'))).to.equal('This widget is not set up correctly.');
      expect(String(logged[0])).to.contain('api-base');
      await expect(picker).shadowDom.to.be.accessible();
    } finally {
      console.error = original;
    }
  });
});

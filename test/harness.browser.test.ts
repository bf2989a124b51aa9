// Checks the browser test harness itself: TypeScript + Lit decorators compile, the process shim is in
// place, and msw's service worker (served at /mockServiceWorker.js) intercepts a real fetch().
import { expect, fixture } from '@open-wc/testing';
import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { HttpResponse, http } from 'msw';
import { setupWorker } from 'msw/browser';

describe('browser test harness', () => {
  it('runs in a real browser with the process shim', () => {
    expect(typeof window).to.equal('object');
    expect(typeof navigator.serviceWorker).to.equal('object');
    expect((globalThis as { process?: { env?: Record<string, string> } }).process?.env?.NODE_ENV).to.equal(
      'development',
    );
  });

  it('compiles Lit decorators and renders a Lit element', async () => {
    // The root tsconfig sets experimentalDecorators + useDefineForClassFields: false, so a plain field with
    // @property() becomes a reactive property (the field initializer does not shadow Lit's accessor).
    @customElement('harness-greeting')
    class HarnessGreeting extends LitElement {
      @property() name = 'world';
      override render() {
        return html`<p>Hello, ${this.name}!</p>`;
      }
    }
    const el = await fixture<HarnessGreeting>(html`<harness-greeting name="agency"></harness-greeting>`);
    expect(el).to.be.instanceOf(HarnessGreeting);
    expect(el.name).to.equal('agency');
    expect(el.shadowRoot?.textContent?.trim()).to.equal('Hello, agency!');
    el.name = 'client';
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('p')?.textContent).to.equal('Hello, client!');
  });

  it('intercepts fetch() through the msw service worker', async () => {
    const worker = setupWorker(http.get('https://api.example.test/ping', () => HttpResponse.json({ ok: true })));
    await worker.start({
      serviceWorker: { url: '/mockServiceWorker.js' },
      onUnhandledFrame: 'bypass',
      quiet: true,
    });
    try {
      const res = await fetch('https://api.example.test/ping');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.contain('application/json');
      expect(await res.json()).to.deep.equal({ ok: true });
    } finally {
      worker.stop();
    }
  });
});

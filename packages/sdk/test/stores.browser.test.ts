// The stores fed by the one bootstrap, and the derived stores: equivalents, runway, status transitions;
// the formatters warmed while the bootstrap is on its way.
import { expect } from '@open-wc/testing';
import { formatCredits, formatDate, formatMoney, formatNumber, type StatusTransition } from '../src/index.js';
import { cleanup, setup, sleep, startWorker, until } from './helpers.js';

describe('sdk: stores', () => {
  before(startWorker);
  afterEach(cleanup);

  it('one bootstrap fills every store; nothing is fetched before load()', async () => {
    const { client, calls, count } = await setup();
    expect(client.$brand.get()).to.equal(null);
    expect(client.$connection.get()).to.equal('idle');
    expect(calls).to.have.length(0);
    await Promise.all([client.load(), client.load()]);
    await client.load();
    expect(count('GET /v1/widget')).to.equal(1);
    expect(client.$brand.get()?.name).to.equal('Brightwave Digital');
    expect(client.$subAccount.get()).to.deep.equal({ id: 'sa_healthy', name: 'Bright Smile Dental' });
    expect(client.$locale.get()).to.equal('en-US');
    expect(client.$currency.get()).to.equal('USD');
    expect(client.$billingMode.get()).to.equal('in_app');
    expect(client.$plans.get().map((p) => p.id)).to.deep.equal(['plan_starter', 'plan_growth', 'plan_scale']);
    expect(client.$currentPlanId.get()).to.equal('plan_growth');
    expect(client.$currentPlan.get()?.name).to.equal('Growth');
    expect(client.$packs.get().length).to.be.greaterThan(0);
    expect(client.$customQuantities.get()[0]?.pool).to.equal('voice');
    expect(client.$rateCard.get()?.voice.deepgram).to.equal(900);
    expect(client.$autoRefill.get()?.policy.maxPerMonth).to.equal(3);
    const voice = client.$balances.voice.get();
    expect(voice?.pool).to.equal('voice');
    expect(voice?.status).to.equal('ok');
    expect(client.$balances.sms.get()?.pool).to.equal('sms');
    expect(client.$seq.get()).to.be.greaterThan(0);
    expect(client.$stale.get()).to.equal(false);
  });

  it('the locale option overrides the agency locale', async () => {
    const { client } = await setup({ client: { locale: 'pt-BR' } });
    expect(client.$locale.get()).to.equal('pt-BR');
    await client.load();
    expect(client.$locale.get()).to.equal('pt-BR');
  });

  it('equivalents: minutes of talk time per provider and SMS per country from the rate card', async () => {
    const { client } = await setup();
    await client.load();
    const voice = client.$balances.voice.get()?.available as number;
    const sms = client.$balances.sms.get()?.available as number;
    const card = client.$rateCard.get();
    const minutes = client.$equivalents.voice.get();
    expect(minutes?.deepgram).to.equal(Math.floor(voice / (card?.voice.deepgram as number)));
    expect(minutes?.elevenlabs).to.equal(Math.floor(voice / (card?.voice.elevenlabs as number)));
    expect(client.$equivalents.sms.get()?.US).to.equal(Math.floor(sms / (card?.sms.US as number)));
  });

  it('DESIGN §6, THREATS 31: ten widgets’ stores (balances, equivalents, runway of both pools) → one bootstrap and no /v1/usage before the first data', async () => {
    const { client, calls, count } = await setup();
    const atFirstData: string[][] = [];
    const offs: (() => void)[] = [];
    const releases: (() => void)[] = [];
    for (let i = 0; i < 10; i++) {
      releases.push(client.connect());
      for (const pool of ['voice', 'sms'] as const) {
        offs.push(
          client.$balances[pool].subscribe((b) => {
            if (b && !atFirstData.length) atFirstData.push(calls.map((c) => `${c.method} ${c.path}`));
          }),
          client.$equivalents[pool].subscribe(() => {}),
          client.$runway[pool].subscribe(() => {}),
        );
      }
    }
    await until(() => client.$runway.voice.get() !== null && client.$runway.sms.get() !== null, 'runway of both pools');
    expect(atFirstData[0]).to.deep.equal(['GET /v1/widget']);
    expect(client.$equivalents.voice.get()?.deepgram).to.be.a('number');
    await until(() => client.$connection.get() === 'live', 'live');
    await sleep(200);
    expect(count('GET /v1/widget')).to.equal(1);
    expect(count('GET /v1/usage')).to.equal(0);
    expect(count('GET /v1/events')).to.equal(1);
    for (const off of [...offs, ...releases]) off();
  });

  it('runway: days the credits last at the last 7 days’ use, from the bootstrap, then kept current by each balance', async () => {
    const { client, sim, count } = await setup();
    client.connect();
    await until(() => client.$connection.get() === 'live', 'live');
    const { recentUsage } = await sim.engine.bootstrap('sa_healthy');
    expect(recentUsage.days).to.equal(7);
    expect(recentUsage.voice).to.be.greaterThan(0);
    const days = (pool: 'voice' | 'sms', used: number) =>
      Math.floor((client.$balances[pool].get()?.available as number) / (used / 7));
    expect(client.$runway.voice.get()).to.equal(days('voice', recentUsage.voice));
    expect(client.$runway.sms.get()).to.equal(recentUsage.sms ? days('sms', recentUsage.sms) : null);

    // A 10-minute call: 9 credits more used and 9 fewer left. The window has grown by moments since the
    // bootstrap, which can only add a day at an exact boundary.
    const before = client.$balances.voice.get()?.available as number;
    await sim.controls.call('healthy', 600, 'deepgram');
    await until(() => client.$balances.voice.get()?.available === before - 9000, 'the call');
    const expected = days('voice', recentUsage.voice + 9000);
    expect(client.$runway.voice.get()).to.be.within(expected, expected + 1);
    expect(count('GET /v1/usage')).to.equal(0);
  });

  it('a client with no recent use has no runway (null), not zero days', async () => {
    const { client, sim } = await setup();
    await client.load();
    const { recentUsage } = await sim.engine.bootstrap('sa_healthy');
    for (const pool of ['voice', 'sms'] as const) {
      if (!recentUsage[pool]) expect(client.$runway[pool].get()).to.equal(null);
    }
  });

  it('load() builds the formatters of the configured locale while the bootstrap is on its way', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { client } = await setup({
      client: { locale: 'is-IS' },
      intercept: (next) => async (input, init) => {
        if (String(input).endsWith('/v1/widget')) await gate;
        return next(input, init);
      },
    });
    const loading = client.load();
    await sleep(300); // the bootstrap is held: the page is idle
    const built: string[] = [];
    const { NumberFormat, DateTimeFormat } = Intl;
    // Same class names, so the formatter cache keys match; counts what gets built from here on.
    Intl.NumberFormat = class NumberFormat extends Intl.NumberFormat {
      constructor(locale?: string, options?: Intl.NumberFormatOptions) {
        super(locale, options);
        built.push(`number ${locale}`);
      }
    } as typeof Intl.NumberFormat;
    Intl.DateTimeFormat = class DateTimeFormat extends Intl.DateTimeFormat {
      constructor(locale?: string, options?: Intl.DateTimeFormatOptions) {
        super(locale, options);
        built.push(`date ${locale}`);
      }
    } as typeof Intl.DateTimeFormat;
    try {
      formatCredits(123_456, 'is-IS');
      formatNumber(42, 'is-IS');
      formatMoney({ amount: 2500, currency: 'USD' }, 'is-IS');
      formatDate('2026-01-15T12:00:00Z', 'is-IS');
      expect(built).to.deep.equal([]); // all built while waiting
      formatNumber(42, 'fo-FO');
      expect(built).to.deep.equal(['number fo-FO']); // (the counting works)
    } finally {
      Intl.NumberFormat = NumberFormat;
      Intl.DateTimeFormat = DateTimeFormat;
    }
    release();
    await loading;
  });

  it('status transitions: low → depleted is reported once, with the new balance', async () => {
    const { client, sim } = await setup({ scenario: 'low' });
    client.connect();
    await until(() => client.$connection.get() === 'live', 'live');
    expect(client.$balances.voice.get()?.status).to.equal('low');
    const transitions: StatusTransition[] = [];
    const off = client.$transition.listen((t) => t && transitions.push(t));
    await sim.controls.call('low', 30 * 60, 'deepgram');
    await until(() => transitions.length > 0, 'a transition');
    expect(transitions).to.have.length(1);
    expect(transitions[0]).to.include({ pool: 'voice', from: 'low', to: 'depleted' });
    expect(transitions[0]?.balance.available).to.equal(0);
    await until(() => client.$balances.voice.get()?.status === 'depleted', 'depleted shown');
    off();
  });

  it('a paused agency shows as paused without revealing the agency balance', async () => {
    const { client } = await setup({ scenario: 'paused' });
    await client.load();
    expect(client.$balances.voice.get()?.status).to.equal('paused');
    expect(JSON.stringify(client.$balances.voice.get())).not.to.match(/wallet|agency/i);
  });
});

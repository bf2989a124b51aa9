// The stores fed by the one bootstrap, and the derived stores: equivalents, runway, status transitions.
import { expect } from '@open-wc/testing';
import type { StatusTransition } from '../src/index.js';
import { cleanup, setup, startWorker, until } from './helpers.js';

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

  it('runway: days the credits last at the last 7 days’ average use, loaded when first watched', async () => {
    const { client, count } = await setup();
    await client.load();
    expect(count('GET /v1/usage')).to.equal(0);
    const values: (number | null)[] = [];
    const off = client.$runway.voice.subscribe((days) => values.push(days));
    await until(() => values.at(-1) !== null, 'runway');
    const now = client.serverNow();
    const series = await client.usage({
      pool: 'voice',
      from: new Date(now - 6 * 86_400_000).toISOString().slice(0, 10),
      to: new Date(now).toISOString().slice(0, 10),
    });
    const daily = series.buckets.reduce((sum, b) => sum + b.credits, 0) / 7;
    expect(values.at(-1)).to.equal(Math.floor((client.$balances.voice.get()?.available as number) / daily));
    off();
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

// The one formatting module: credits from millicredits, money from minor units, dates, relative times.
import { expect } from '@open-wc/testing';
import { formatCredits, formatDate, formatMoney, formatNumber, formatRelative } from '../src/index.js';

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('sdk: formatting', () => {
  it('credits from integer millicredits, locale-aware', () => {
    expect(formatCredits(123_456, 'en-US')).to.equal('123.46');
    expect(formatCredits(1_234_500, 'de-DE')).to.equal('1.234,5');
    expect(formatCredits(166, 'en-US', 3)).to.equal('0.166');
    expect(nbsp(formatCredits(2_500_000, 'fr-FR'))).to.equal('2 500');
    expect(formatNumber(1234, 'pt-BR')).to.equal('1.234');
  });

  it('money from minor units with the currency’s own fraction digits', () => {
    expect(formatMoney({ amount: 2500, currency: 'USD' }, 'en-US')).to.equal('$25.00');
    expect(nbsp(formatMoney({ amount: 2500, currency: 'EUR' }, 'de-DE'))).to.equal('25,00 €');
    expect(formatMoney({ amount: 2500, currency: 'JPY' }, 'en-US')).to.equal('¥2,500');
    expect(nbsp(formatMoney({ amount: 1234, currency: 'BHD' }, 'en-US'))).to.equal('BHD 1.234');
    expect(nbsp(formatMoney({ amount: 12_990, currency: 'BRL' }, 'pt-BR'))).to.equal('R$ 129,90');
  });

  it('dates and relative times', () => {
    expect(formatDate('2026-03-05T12:00:00Z', 'en-US', { dateStyle: 'medium', timeZone: 'UTC' })).to.equal(
      'Mar 5, 2026',
    );
    expect(formatDate(Date.UTC(2026, 2, 5, 12), 'es-ES', { dateStyle: 'long', timeZone: 'UTC' })).to.equal(
      '5 de marzo de 2026',
    );
    const now = Date.UTC(2026, 0, 10);
    expect(formatRelative(now + 3 * 86_400_000, 'en-US', now)).to.equal('in 3 days');
    expect(formatRelative(now - 2 * 3_600_000, 'en-US', now)).to.equal('2 hours ago');
    expect(formatRelative(now + 86_400_000, 'en-US', now)).to.equal('tomorrow');
    expect(formatRelative(new Date(now + 3 * 86_400_000).toISOString(), 'fr-FR', now)).to.equal('dans 3 jours');
    expect(formatRelative(now, 'en-US', now)).to.equal('now');
  });

  it('caches formatters: formatting in a loop stays cheap', () => {
    const started = performance.now();
    for (let i = 0; i < 5000; i++) formatMoney({ amount: i, currency: 'USD' }, 'en-US');
    expect(performance.now() - started).to.be.below(500);
  });
});

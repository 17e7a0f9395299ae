import { type ProviderOffer, rankOffers } from './provider-choice';

const rates = new Map([
  ['USD', 1],
  ['RUB', 0.011],
]);
const offer = (provider: string, overrides: Partial<ProviderOffer> = {}): ProviderOffer => ({
  provider,
  costMinor: 20n,
  currency: 'USD',
  available: 10,
  successRate: 0.9,
  ...overrides,
});

describe('rankOffers', () => {
  it('puts the more reliable first, and the cheaper among equally reliable', () => {
    const ranked = rankOffers(
      [
        offer('cheap-flaky', { costMinor: 5n, successRate: 0.4 }),
        offer('dear-sure', { costMinor: 40n, successRate: 0.95 }),
        offer('cheap-sure', { costMinor: 10n, successRate: 0.92 }),
      ],
      rates,
    );
    expect(ranked.map((entry) => entry.provider)).toEqual(['cheap-sure', 'dear-sure', 'cheap-flaky']);
  });

  it('compares prices across currencies at the configured rates', () => {
    // 1500 kopecks ≈ 16.5 US cents, cheaper than 20.
    const ranked = rankOffers([offer('usd'), offer('rub', { costMinor: 1500n, currency: 'RUB' })], rates);
    expect(ranked.map((entry) => entry.provider)).toEqual(['rub', 'usd']);
  });

  it('leaves out providers without numbers or with a currency it cannot compare', () => {
    const ranked = rankOffers(
      [offer('empty', { available: 0 }), offer('eur', { currency: 'EUR' }), offer('ok')],
      rates,
    );
    expect(ranked.map((entry) => entry.provider)).toEqual(['ok']);
  });
});

/** What one provider offers for a service and country now, with its recent record. */
export interface ProviderOffer {
  provider: string;
  costMinor: bigint;
  currency: string;
  /** Numbers it has free for the pair, as it says. */
  available: number;
  /** Share of its recent numbers a code reached (0–1). */
  successRate: number;
}

/**
 * The order to try providers in for one rent: those that have numbers and a currency we can
 * compare, the more reliable first (success rates within 10 points count as equal, so a small
 * difference does not beat a much lower price), then the cheaper in SMS_CURRENCY, then by name so
 * the order is stable.
 */
export function rankOffers(
  offers: readonly ProviderOffer[],
  rates: ReadonlyMap<string, number>,
): ProviderOffer[] {
  const comparable = offers.filter((offer) => offer.available > 0 && rates.has(offer.currency));
  const worth = (offer: ProviderOffer) => Number(offer.costMinor) * rates.get(offer.currency)!;
  const band = (offer: ProviderOffer) => Math.floor(Math.min(1, Math.max(0, offer.successRate)) * 10);
  return [...comparable].sort(
    (left, right) =>
      band(right) - band(left) || worth(left) - worth(right) || left.provider.localeCompare(right.provider),
  );
}

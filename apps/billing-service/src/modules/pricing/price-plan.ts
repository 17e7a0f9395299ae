/** Rates of a price plan, in integer micro-minor units per hour (1,000,000 = one minor unit per hour). */
export interface PriceRates {
  baseMicrosPerHour: bigint;
  cpuCoreMicrosPerHour: bigint;
  memoryGbMicrosPerHour: bigint;
  storageGbMicrosPerHour: bigint;
}

/** One version of a currency's price plan, as stored in `price_plans`. */
export interface PricePlan extends PriceRates {
  id: string;
  currency: string;
  version: number;
  effectiveFrom: Date;
}

/** Where a running allocation's meter stands: its start, its expiry, and the seconds already sliced. */
export interface MeterPosition {
  startedAt: Date;
  expiresAt: Date;
  slicedSeconds: number;
}

/** How the usage report settles a sliced allocation (`finalSettlement`). */
export interface FinalSettlement {
  /** The rest of the allocation's price, charged by the usage report's ledger entry. */
  chargeMinor: bigint;
  /** What the slices took beyond the whole price, given back (0 unless they sliced unbilled seconds). */
  refundMinor: bigint;
}

/**
 * How far the next slice of a running allocation reaches, in seconds from its start, or null when no
 * slice is due at `at`. A slice covers whole multiples of `sliceSeconds` from where the meter stands,
 * and only seconds the usage report is sure to bill: device-service bills the whole seconds from
 * the start to the release, rounded up and never past the expiry, so a slice stops at whole
 * seconds elapsed `marginSeconds` before `at` (device-service's clock may be behind ours, and a
 * release it recorded a moment ago must still bill every sliced second) and at the expiry.
 */
export function nextSliceEnd(
  meter: MeterPosition,
  at: Date,
  sliceSeconds: number,
  marginSeconds: number,
): number | null {
  if (!Number.isSafeInteger(sliceSeconds) || sliceSeconds < 1) {
    throw new RangeError(`Invalid slice length: ${sliceSeconds}`);
  }
  if (!Number.isSafeInteger(marginSeconds) || marginSeconds < 0) {
    throw new RangeError(`Invalid margin: ${marginSeconds}`);
  }
  const horizonMs = Math.min(at.getTime() - marginSeconds * 1000, meter.expiresAt.getTime());
  const elapsedSeconds = Math.floor((horizonMs - meter.startedAt.getTime()) / 1000);
  const dueSlices = Math.floor((elapsedSeconds - meter.slicedSeconds) / sliceSeconds);
  return dueSlices >= 1 ? meter.slicedSeconds + dueSlices * sliceSeconds : null;
}

/**
 * What a slice charges: the price of every second from the start to the slice's end, less what the
 * earlier slices charged. Cumulative, so the rounding up of each price never adds up: after any
 * number of slices the allocation has been charged price(slice end), exactly as if the whole span
 * had been charged at once. Never negative (the price of more seconds under one plan is never less).
 */
export function sliceAmount(priceUpToSliceEnd: bigint, slicedMinor: bigint): bigint {
  const amount = priceUpToSliceEnd - slicedMinor;
  return amount > 0n ? amount : 0n;
}

/**
 * The usage report's settlement of an allocation the slices charged `slicedMinor` for: the rest of
 * its price, or, should the slices have taken more (seconds sliced that device-service then did not
 * bill), the excess back. Either way slices + charge − refund = `priceMinor`, the price of the
 * billed seconds, so no second and no minor unit is ever charged twice.
 */
export function finalSettlement(priceMinor: bigint, slicedMinor: bigint): FinalSettlement {
  if (priceMinor < 0n || slicedMinor < 0n) {
    throw new RangeError(`Invalid amounts: price ${priceMinor}, sliced ${slicedMinor}`);
  }
  return priceMinor >= slicedMinor
    ? { chargeMinor: priceMinor - slicedMinor, refundMinor: 0n }
    : { chargeMinor: 0n, refundMinor: slicedMinor - priceMinor };
}

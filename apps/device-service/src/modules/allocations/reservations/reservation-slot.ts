const MINUTE_MS = 60_000;

/** What a bookable slot must satisfy (from config). */
export interface SlotRules {
  minLeadMinutes: number;
  maxAdvanceDays: number;
  maxDurationMinutes: number;
}

/** The slot rules of a configuration (RESERVATION_* and ALLOCATION_MAX_DURATION_MINUTES). */
export function slotRulesOf(config: {
  reservationMinLeadMinutes: number;
  reservationMaxAdvanceDays: number;
  allocationMaxDurationMinutes: number;
}): SlotRules {
  return {
    minLeadMinutes: config.reservationMinLeadMinutes,
    maxAdvanceDays: config.reservationMaxAdvanceDays,
    maxDurationMinutes: config.allocationMaxDurationMinutes,
  };
}

/** Why a slot cannot be booked: a stable code and what to tell the caller. */
export interface SlotProblem {
  code: 'INVALID_SLOT' | 'SLOT_TOO_SOON' | 'SLOT_TOO_FAR_AHEAD' | 'SLOT_TOO_LONG';
  message: string;
}

/** The first rule [startAt, endAt) breaks at `now`, or null when it can be booked. */
export function slotProblem(rules: SlotRules, startAt: Date, endAt: Date, now: Date): SlotProblem | null {
  if (endAt.getTime() <= startAt.getTime()) {
    return { code: 'INVALID_SLOT', message: 'endAt must be after startAt' };
  }
  if (startAt.getTime() < now.getTime() + rules.minLeadMinutes * MINUTE_MS) {
    return {
      code: 'SLOT_TOO_SOON',
      message: `A slot must start at least ${rules.minLeadMinutes} minute(s) from now; allocate for an immediate start`,
    };
  }
  if (startAt.getTime() > now.getTime() + rules.maxAdvanceDays * 1440 * MINUTE_MS) {
    return {
      code: 'SLOT_TOO_FAR_AHEAD',
      message: `A slot may start at most ${rules.maxAdvanceDays} day(s) ahead`,
    };
  }
  if (endAt.getTime() - startAt.getTime() > rules.maxDurationMinutes * MINUTE_MS) {
    return { code: 'SLOT_TOO_LONG', message: `A slot may last at most ${rules.maxDurationMinutes} minutes` };
  }
  return null;
}

/**
 * Seconds of the slot billed for cancelling it at `now`: `percent` of the slot once the free
 * cancellation window before the start has passed, else nothing.
 */
export function cancellationFeeSeconds(
  slot: { startAt: Date; endAt: Date },
  now: Date,
  percent: number,
  freeMinutes: number,
): number {
  if (percent <= 0) return 0;
  if (now.getTime() < slot.startAt.getTime() - freeMinutes * MINUTE_MS) return 0;
  const slotSeconds = Math.ceil((slot.endAt.getTime() - slot.startAt.getTime()) / 1000);
  return Math.ceil((slotSeconds * percent) / 100);
}

import { cancellationFeeSeconds, slotProblem } from './reservation-slot';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const RULES = { minLeadMinutes: 5, maxAdvanceDays: 2, maxDurationMinutes: 120 };

describe('slotProblem', () => {
  it('accepts a slot inside every rule, at its edges too', () => {
    expect(slotProblem(RULES, at(5), at(125), NOW)).toBeNull();
    expect(slotProblem(RULES, at(2 * 1440), at(2 * 1440 + 1), NOW)).toBeNull();
  });

  it('names the first rule broken', () => {
    expect(slotProblem(RULES, at(60), at(60), NOW)?.code).toBe('INVALID_SLOT');
    expect(slotProblem(RULES, at(60), at(30), NOW)?.code).toBe('INVALID_SLOT');
    expect(slotProblem(RULES, at(4), at(30), NOW)?.code).toBe('SLOT_TOO_SOON');
    expect(slotProblem(RULES, at(-60), at(30), NOW)?.code).toBe('SLOT_TOO_SOON');
    expect(slotProblem(RULES, at(2 * 1440 + 1), at(2 * 1440 + 30), NOW)?.code).toBe('SLOT_TOO_FAR_AHEAD');
    expect(slotProblem(RULES, at(10), at(131), NOW)?.code).toBe('SLOT_TOO_LONG');
  });
});

describe('cancellationFeeSeconds', () => {
  const slot = { startAt: at(120), endAt: at(180) };

  it('is free with no fee, or before the free window closes', () => {
    expect(cancellationFeeSeconds(slot, NOW, 0, 60)).toBe(0);
    expect(cancellationFeeSeconds(slot, at(59), 50, 60)).toBe(0);
  });

  it('bills the share of the slot once the window has closed, rounded up to the second', () => {
    expect(cancellationFeeSeconds(slot, at(60), 50, 60)).toBe(1800);
    expect(cancellationFeeSeconds(slot, at(119), 100, 60)).toBe(3600);
    expect(
      cancellationFeeSeconds({ startAt: at(0), endAt: new Date(at(0).getTime() + 1001) }, NOW, 33, 0),
    ).toBe(1);
  });
});

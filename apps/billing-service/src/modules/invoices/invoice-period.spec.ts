import {
  invoiceableMonths,
  monthStartOf,
  nextPeriodStart,
  parsePeriod,
  periodName,
  periodStartInstant,
} from './invoice-period';

describe('invoice periods (UTC)', () => {
  it('names months by their first day, in UTC whatever the instant', () => {
    expect(monthStartOf(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12-01');
    expect(monthStartOf(new Date('2027-01-01T00:00:00.000Z'))).toBe('2027-01-01');
    // 00:30 on Jan 1st in Berlin is still December in UTC.
    expect(monthStartOf(new Date('2027-01-01T00:30:00+01:00'))).toBe('2026-12-01');
    expect(monthStartOf(new Date('2026-01-15T00:00:00Z'), -1)).toBe('2025-12-01');
    expect(monthStartOf(new Date('2026-03-31T00:00:00Z'), -1)).toBe('2026-02-01');
  });

  it('steps to the next month across a year and knows when a month starts', () => {
    expect(nextPeriodStart('2026-12-01')).toBe('2027-01-01');
    expect(nextPeriodStart('2024-02-01')).toBe('2024-03-01');
    expect(periodStartInstant('2026-12-01').toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(() => periodStartInstant('2026-12-02')).toThrow('Not a period start');
    expect(periodName('2026-02-01')).toBe('2026-02');
  });

  it('parses YYYY-MM and refuses anything else', () => {
    expect(parsePeriod('2026-12')).toBe('2026-12-01');
    for (const bad of [
      '2026-13',
      '2026-00',
      '1999-12',
      '2026-1',
      '2026-12-01',
      ' 2026-12',
      '２０２６-12',
      '',
    ]) {
      expect(parsePeriod(bad)).toBeNull();
    }
  });

  it('invoices the complete months that ended at least an hour ago, oldest first', () => {
    expect(invoiceableMonths(new Date('2027-01-01T02:00:00Z'), 1)).toEqual({
      first: '2026-12-01',
      last: '2026-12-01',
    });
    expect(invoiceableMonths(new Date('2027-01-01T02:00:00Z'), 3)).toEqual({
      first: '2026-10-01',
      last: '2026-12-01',
    });
    // 30 minutes after midnight December is not settled yet: November is the last month.
    expect(invoiceableMonths(new Date('2027-01-01T00:30:00Z'), 1)).toEqual({
      first: '2026-11-01',
      last: '2026-11-01',
    });
    expect(() => invoiceableMonths(new Date(), 0)).toThrow(RangeError);
  });
});

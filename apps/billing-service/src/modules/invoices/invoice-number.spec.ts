import { formatInvoiceNumber, numberCounterPeriod, parseInvoiceNumber } from './invoice-number';

describe('invoice numbers', () => {
  it('are INV-YYYYMM-NNNNNN, six digits at least', () => {
    expect(formatInvoiceNumber('2026-12-01', 1)).toBe('INV-202612-000001');
    expect(formatInvoiceNumber('2027-01-01', 123_456)).toBe('INV-202701-123456');
    expect(formatInvoiceNumber('2027-01-01', 1_234_567)).toBe('INV-202701-1234567');
  });

  it('refuse a sequence outside 1 … 2^31−1 and a day that is not a period start', () => {
    for (const bad of [0, -1, 1.5, 2_147_483_648, Number.NaN]) {
      expect(() => formatInvoiceNumber('2026-12-01', bad)).toThrow(RangeError);
    }
    expect(() => numberCounterPeriod('2026-12-02')).toThrow('Not a period start');
    expect(numberCounterPeriod('2026-01-01')).toBe('202601');
  });

  it('parse back, and only what they produce', () => {
    expect(parseInvoiceNumber('INV-202612-000042')).toEqual({ period: '2026-12', sequence: 42 });
    for (const bad of ['INV-202613-000001', 'INV-202612-00001', 'INV-202612-000000', 'inv-202612-000001']) {
      expect(parseInvoiceNumber(bad)).toBeNull();
    }
  });
});

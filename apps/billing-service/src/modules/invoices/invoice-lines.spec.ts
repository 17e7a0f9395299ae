import { buildInvoiceLines, lineDescription, lineKindOf } from './invoice-lines';
import type { LedgerDayGroup } from './invoice-record';

function group(overrides: Partial<LedgerDayGroup>): LedgerDayGroup {
  return {
    ledgerKind: 'usage_charge',
    day: '2026-12-03',
    source: null,
    quantity: 1,
    seconds: null,
    amountMinor: -1n,
    reference: null,
    ...overrides,
  };
}

describe('invoice lines', () => {
  it('maps ledger kinds to line kinds; unknown kinds are adjustments', () => {
    expect(lineKindOf('usage_charge')).toBe('usage');
    expect(lineKindOf('service_charge')).toBe('service_charge');
    expect(lineKindOf('top_up')).toBe('top_up');
    expect(lineKindOf('payment')).toBe('payment');
    expect(lineKindOf('opening_balance')).toBe('adjustment');
    expect(lineKindOf('coupon_credit')).toBe('adjustment');
    expect(lineKindOf('constructor')).toBe('adjustment');
  });

  it('describes each group without any user-supplied text', () => {
    expect(lineDescription(group({ quantity: 3, seconds: 7510n }))).toBe(
      'Device usage (3 allocations, 7510 s)',
    );
    expect(lineDescription(group({ seconds: 7n }))).toBe('Device usage (1 allocation, 7 s)');
    expect(lineDescription(group({ ledgerKind: 'service_charge', source: 'proxy', quantity: 2 }))).toBe(
      'Proxy rentals (2)',
    );
    expect(lineDescription(group({ ledgerKind: 'service_charge', source: 'sms' }))).toBe('SMS code');
    expect(lineDescription(group({ ledgerKind: 'service_charge', source: 'fax' }))).toBe('Service charge');
    expect(lineDescription(group({ ledgerKind: 'top_up', amountMinor: 5n, quantity: 4 }))).toBe(
      'Top-ups (4)',
    );
    expect(lineDescription(group({ ledgerKind: 'mystery', amountMinor: 5n }))).toBe('Credit');
    expect(lineDescription(group({ ledgerKind: 'mystery', amountMinor: -5n, quantity: 2 }))).toBe(
      'Debits (2)',
    );
  });

  it('orders lines by day, then kind, source and sign, numbering them from 1', () => {
    const lines = buildInvoiceLines([
      group({ ledgerKind: 'top_up', day: '2026-12-02', amountMinor: 500n, reference: 'pay-1' }),
      group({
        ledgerKind: 'service_charge',
        source: 'sms',
        day: '2026-12-01',
        amountMinor: -3n,
        quantity: 2,
      }),
      group({ day: '2026-12-01', amountMinor: -40n, seconds: 3600n, quantity: 2, reference: 'ignored' }),
      group({
        ledgerKind: 'service_charge',
        source: 'proxy',
        day: '2026-12-01',
        amountMinor: -9n,
        reference: 'proxy-rental:1',
      }),
    ]);
    expect(lines.map((line) => [line.lineNo, line.day, line.kind, line.amountMinor, line.reference])).toEqual(
      [
        [1, '2026-12-01', 'usage', -40n, null],
        [2, '2026-12-01', 'service_charge', -9n, 'proxy-rental:1'],
        [3, '2026-12-01', 'service_charge', -3n, null],
        [4, '2026-12-02', 'top_up', 500n, 'pay-1'],
      ],
    );
    expect(lines[0].seconds).toBe(3600n);
    expect(lines[1].seconds).toBeNull();
  });
});

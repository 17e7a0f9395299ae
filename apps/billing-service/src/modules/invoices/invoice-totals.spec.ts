import { invoiceTotals, statusAtIssue } from './invoice-totals';

describe('invoice totals', () => {
  it('sums charges and credits so that opening + credits − charges = closing, exactly', () => {
    expect(invoiceTotals(100n, [-150n, 20n, 0n, -1n], -31n)).toEqual({
      ok: true,
      totals: {
        openingBalanceMinor: 100n,
        chargesMinor: 151n,
        creditsMinor: 20n,
        closingBalanceMinor: -31n,
        amountDueMinor: 31n,
      },
    });
    expect(invoiceTotals(0n, [], 0n)).toMatchObject({ ok: true, totals: { amountDueMinor: 0n } });
    expect(invoiceTotals(-5n, [], -5n)).toMatchObject({ ok: true, totals: { amountDueMinor: 5n } });
  });

  it('stays exact beyond 2^53', () => {
    const big = 2n ** 60n;
    expect(invoiceTotals(big, [-(big + 1n), 3n], 2n)).toMatchObject({
      ok: true,
      totals: { chargesMinor: big + 1n, creditsMinor: 3n, closingBalanceMinor: 2n },
    });
  });

  it('refuses a closing balance the lines do not explain, naming the figures', () => {
    const result = invoiceTotals(100n, [-150n], -49n);
    expect(result).toEqual({
      ok: false,
      reason: 'opening 100 + credits 0 - charges 150 = -50, but the ledger closes at -49',
      computedClosingMinor: -50n,
    });
  });

  it('refuses totals outside the bigint range', () => {
    const max = 2n ** 63n - 1n;
    const result = invoiceTotals(0n, [max, 1n], max + 1n);
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('creditsMinor') });
  });

  it('issues a statement with an amount due, and settles one without', () => {
    expect(statusAtIssue(1n)).toBe('issued');
    expect(statusAtIssue(0n)).toBe('paid');
  });
});

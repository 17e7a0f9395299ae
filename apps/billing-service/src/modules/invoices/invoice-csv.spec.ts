import { csvCell, csvRow, invoiceCsv, invoicesExportCsv } from './invoice-csv';
import type { InvoiceRecord } from './invoice-record';

const invoice: InvoiceRecord = {
  id: '0d4c2b1a-9f8e-4d7c-a6b5-4c3d2e1f0a9b',
  number: 'INV-202612-000007',
  accountId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  userId: '9c1f2e3d-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
  tenantId: '=HYPERLINK("x")',
  periodStart: '2026-12-01',
  currency: 'USD',
  openingBalanceMinor: 100n,
  chargesMinor: 150n,
  creditsMinor: 20n,
  closingBalanceMinor: -30n,
  amountDueMinor: 30n,
  status: 'issued',
  lineCount: 2,
  dueAt: new Date('2027-01-15T02:00:00Z'),
  issuedAt: new Date('2027-01-01T02:00:00Z'),
  paidAt: null,
  overdueAt: null,
};

describe('invoice CSV', () => {
  it('quotes cells with commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell(null)).toBe('');
    expect(csvRow(['a', 1, -2n, null])).toBe('a,1,-2,\r\n');
  });

  it('defuses text a spreadsheet would run as a formula, but keeps negative numbers numbers', () => {
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=cmd')).toBe("'\t=cmd");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell(-42n)).toBe('-42');
    expect(csvCell(-1)).toBe('-1');
  });

  it('writes an invoice as its lines followed by its totals', () => {
    const csv = invoiceCsv(invoice, [
      {
        lineNo: 1,
        kind: 'usage',
        day: '2026-12-03',
        description: 'Device usage (2 allocations, 7200 s)',
        quantity: 2,
        seconds: 7200n,
        amountMinor: -150n,
        reference: null,
      },
      {
        lineNo: 2,
        kind: 'top_up',
        day: '2026-12-04',
        description: 'Top-up',
        quantity: 1,
        seconds: null,
        amountMinor: 20n,
        reference: '-ref,1',
      },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'invoice_number,period,currency,line_no,day,kind,description,quantity,seconds,amount_minor,reference',
      'INV-202612-000007,2026-12,USD,1,2026-12-03,usage,"Device usage (2 allocations, 7200 s)",2,7200,-150,',
      'INV-202612-000007,2026-12,USD,2,2026-12-04,top_up,Top-up,1,,20,"\'-ref,1"',
      'INV-202612-000007,2026-12,USD,,,opening_balance,Opening balance,,,100,',
      'INV-202612-000007,2026-12,USD,,,charges,Charges,,,-150,',
      'INV-202612-000007,2026-12,USD,,,credits,Credits,,,20,',
      'INV-202612-000007,2026-12,USD,,,closing_balance,Closing balance,,,-30,',
      'INV-202612-000007,2026-12,USD,,,amount_due,Amount due,,,30,',
      '',
    ]);
  });

  it('exports invoices one row each, guarding free text such as tenant ids', () => {
    const rows = invoicesExportCsv([invoice]).split('\r\n');
    expect(rows[0]).toBe(
      'number,user_id,tenant_id,period,currency,opening_balance_minor,charges_minor,credits_minor,closing_balance_minor,amount_due_minor,status,issued_at,due_at,paid_at',
    );
    expect(rows[1]).toBe(
      `INV-202612-000007,${invoice.userId},"'=HYPERLINK(""x"")",2026-12,USD,100,150,20,-30,30,issued,2027-01-01T02:00:00.000Z,2027-01-15T02:00:00.000Z,`,
    );
    expect(rows).toHaveLength(3);
  });
});

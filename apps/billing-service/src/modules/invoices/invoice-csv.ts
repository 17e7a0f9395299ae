import type { InvoiceLineRecord, InvoiceRecord } from './invoice-record';

/*
 * CSV (RFC 4180: comma-separated, CRLF line ends, quotes around cells with a comma, quote or line
 * break, quotes doubled). Spreadsheets run a text cell that starts with = + - @ (or a tab or
 * carriage return) as a formula, so such text is prefixed with a single quote (OWASP "CSV
 * injection"). Numbers are written as they are: a negative amount must stay a number.
 */

export type CsvValue = string | number | bigint | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value !== 'string') return value.toString();
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

const LINE_COLUMNS = [
  'invoice_number',
  'period',
  'currency',
  'line_no',
  'day',
  'kind',
  'description',
  'quantity',
  'seconds',
  'amount_minor',
  'reference',
];

/**
 * One invoice: a row per line, then its totals as rows of kind `opening_balance`, `charges`,
 * `credits`, `closing_balance` and `amount_due` (no line number), so one sheet holds the statement.
 */
export function invoiceCsv(invoice: InvoiceRecord, lines: readonly InvoiceLineRecord[]): string {
  const period = invoice.periodStart.slice(0, 7);
  const head = [invoice.number, period, invoice.currency];
  const total = (kind: string, description: string, amount: bigint) =>
    csvRow([...head, null, null, kind, description, null, null, amount, null]);
  return [
    csvRow(LINE_COLUMNS),
    ...lines.map((line) =>
      csvRow([
        ...head,
        line.lineNo,
        line.day,
        line.kind,
        line.description,
        line.quantity,
        line.seconds,
        line.amountMinor,
        line.reference,
      ]),
    ),
    total('opening_balance', 'Opening balance', invoice.openingBalanceMinor),
    total('charges', 'Charges', -invoice.chargesMinor),
    total('credits', 'Credits', invoice.creditsMinor),
    total('closing_balance', 'Closing balance', invoice.closingBalanceMinor),
    total('amount_due', 'Amount due', invoice.amountDueMinor),
  ].join('');
}

const EXPORT_COLUMNS = [
  'number',
  'user_id',
  'tenant_id',
  'period',
  'currency',
  'opening_balance_minor',
  'charges_minor',
  'credits_minor',
  'closing_balance_minor',
  'amount_due_minor',
  'status',
  'issued_at',
  'due_at',
  'paid_at',
];

/** Many invoices (the admin export of a month): one row each, totals only. */
export function invoicesExportCsv(invoices: readonly InvoiceRecord[]): string {
  return [
    csvRow(EXPORT_COLUMNS),
    ...invoices.map((invoice) =>
      csvRow([
        invoice.number,
        invoice.userId,
        invoice.tenantId,
        invoice.periodStart.slice(0, 7),
        invoice.currency,
        invoice.openingBalanceMinor,
        invoice.chargesMinor,
        invoice.creditsMinor,
        invoice.closingBalanceMinor,
        invoice.amountDueMinor,
        invoice.status,
        invoice.issuedAt.toISOString(),
        invoice.dueAt.toISOString(),
        invoice.paidAt?.toISOString() ?? null,
      ]),
    ),
  ].join('');
}

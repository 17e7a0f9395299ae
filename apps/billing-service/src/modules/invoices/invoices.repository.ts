import { Injectable } from '@nestjs/common';
import { decodeColumn, findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { InvoiceLineRecord, InvoiceRecord } from './invoice-record';

/**
 * node-postgres turns a `date` into a Date at local midnight; reading it back with local getters
 * gives the stored day whatever the process's time zone.
 */
function decodeDay(value: unknown): string {
  if (!(value instanceof Date)) return String(value);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}

const INVOICES = new TableMap<InvoiceRecord>('invoices', {
  id: 'id',
  number: 'number',
  accountId: 'account_id',
  userId: 'user_id',
  tenantId: 'tenant_id',
  periodStart: { column: 'period_start', decode: decodeDay },
  currency: 'currency',
  openingBalanceMinor: { column: 'opening_balance_minor', decode: decodeColumn.bigint },
  chargesMinor: { column: 'charges_minor', decode: decodeColumn.bigint },
  creditsMinor: { column: 'credits_minor', decode: decodeColumn.bigint },
  closingBalanceMinor: { column: 'closing_balance_minor', decode: decodeColumn.bigint },
  amountDueMinor: { column: 'amount_due_minor', decode: decodeColumn.bigint },
  status: 'status',
  lineCount: 'line_count',
  dueAt: 'due_at',
  issuedAt: 'issued_at',
  paidAt: 'paid_at',
  overdueAt: 'overdue_at',
});

const INVOICE_LINES = new TableMap<InvoiceLineRecord>('invoice_lines', {
  lineNo: 'line_no',
  kind: 'kind',
  day: { column: 'day', decode: decodeDay },
  description: 'description',
  quantity: 'quantity',
  seconds: { column: 'seconds', decode: decodeColumn.nullableBigint },
  amountMinor: { column: 'amount_minor', decode: decodeColumn.bigint },
  reference: 'reference',
});

/** An invoice to insert: its figures; id, number and times come from the insert. */
export type InvoiceDraft = Omit<
  InvoiceRecord,
  'id' | 'number' | 'dueAt' | 'issuedAt' | 'paidAt' | 'overdueAt'
>;

@Injectable()
export class InvoicesRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * The next number of the month `period` (`YYYYMM`), counted in the caller's transaction: the
   * counter row stays locked until it commits (racers wait) and a rollback gives the number back.
   */
  async nextNumber(period: string): Promise<number> {
    const [row] = await this.sql.rows<{ value: number }>(
      `INSERT INTO invoice_number_counters (period, last_value) VALUES ($1, 1)
       ON CONFLICT (period) DO UPDATE SET last_value = invoice_number_counters.last_value + 1
       RETURNING last_value AS value`,
      [period],
    );
    return row.value;
  }

  /**
   * Inserts the invoice unless its account-month has one (then null: the unique key waited for a
   * racing insert and found it committed). Due `dueDays` after issue, by the database clock.
   */
  async insertUnlessIssued(
    draft: InvoiceDraft,
    number: string,
    dueDays: number,
  ): Promise<InvoiceRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `INSERT INTO invoices (number, account_id, user_id, tenant_id, period_start, currency,
         opening_balance_minor, charges_minor, credits_minor, closing_balance_minor, amount_due_minor,
         status, line_count, due_at, paid_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
         now() + make_interval(days => $14), CASE WHEN $12 = 'paid' THEN now() END)
       ON CONFLICT (user_id, period_start, currency) DO NOTHING
       RETURNING ${INVOICES.select()}`,
      [
        number,
        draft.accountId,
        draft.userId,
        draft.tenantId,
        draft.periodStart,
        draft.currency,
        draft.openingBalanceMinor.toString(),
        draft.chargesMinor.toString(),
        draft.creditsMinor.toString(),
        draft.closingBalanceMinor.toString(),
        draft.amountDueMinor.toString(),
        draft.status,
        draft.lineCount,
        dueDays,
      ],
    );
    return row ? INVOICES.decode(row) : null;
  }

  /** All lines of a new invoice in one statement. */
  async insertLines(invoiceId: string, lines: readonly InvoiceLineRecord[]): Promise<void> {
    if (lines.length === 0) return;
    await this.sql.rows(
      `INSERT INTO invoice_lines (invoice_id, line_no, kind, day, description, quantity, seconds, amount_minor, reference)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::date[], $5::text[], $6::int[], $7::bigint[],
                                $8::bigint[], $9::text[])`,
      [
        invoiceId,
        lines.map((line) => line.lineNo),
        lines.map((line) => line.kind),
        lines.map((line) => line.day),
        lines.map((line) => line.description),
        lines.map((line) => line.quantity),
        lines.map((line) => line.seconds?.toString() ?? null),
        lines.map((line) => line.amountMinor.toString()),
        lines.map((line) => line.reference),
      ],
    );
  }

  async findById(id: string): Promise<InvoiceRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${INVOICES.select()} FROM invoices WHERE id = $1`,
      [id],
    );
    return row ? INVOICES.decode(row) : null;
  }

  async linesOf(invoiceId: string): Promise<InvoiceLineRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${INVOICE_LINES.select()} FROM invoice_lines WHERE invoice_id = $1 ORDER BY line_no`,
      [invoiceId],
    );
    return INVOICE_LINES.decodeAll(rows);
  }

  /** A page of invoices, of one user when `userId` is given. */
  list(query: ListQuery, userId: string | undefined): Promise<Page<InvoiceRecord>> {
    return findPage(
      this.sql,
      INVOICES,
      query,
      userId === undefined ? undefined : { where: 'user_id = $1', parameters: [userId] },
    );
  }

  /** The invoices of one month by number, at most `limit` (the export). */
  async findByPeriod(periodStart: string, limit: number): Promise<InvoiceRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${INVOICES.select()} FROM invoices WHERE period_start = $1 ORDER BY number LIMIT $2`,
      [periodStart, limit],
    );
    return INVOICES.decodeAll(rows);
  }

  /**
   * Up to `limit` unpaid invoices whose account is back at ≥ 0 become `paid`. Conditional on the
   * status still being unpaid, rows another run holds are skipped: safe to run anywhere, any time.
   */
  async markPaid(limit: number): Promise<InvoiceRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `WITH settled AS (
         SELECT i.id FROM invoices i JOIN accounts a ON a.id = i.account_id
         WHERE i.status IN ('issued', 'overdue') AND a.balance_minor >= 0
         ORDER BY i.id LIMIT $1
         FOR UPDATE OF i SKIP LOCKED)
       UPDATE invoices i SET status = 'paid', paid_at = now()
       FROM settled WHERE i.id = settled.id AND i.status IN ('issued', 'overdue')
       RETURNING ${INVOICES.select('i')}`,
      [limit],
    );
    return INVOICES.decodeAll(rows);
  }

  /**
   * Up to `limit` issued invoices past their due time whose account is still negative become
   * `overdue`; each comes back with the account's balance (for the event).
   */
  async markOverdue(limit: number): Promise<Array<{ invoice: InvoiceRecord; balanceMinor: string }>> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `WITH late AS (
         SELECT i.id, a.balance_minor FROM invoices i JOIN accounts a ON a.id = i.account_id
         WHERE i.status = 'issued' AND i.due_at <= now() AND a.balance_minor < 0
         ORDER BY i.due_at, i.id LIMIT $1
         FOR UPDATE OF i SKIP LOCKED)
       UPDATE invoices i SET status = 'overdue', overdue_at = now()
       FROM late WHERE i.id = late.id AND i.status = 'issued'
       RETURNING ${INVOICES.select('i')}, late.balance_minor::text AS "accountBalanceMinor"`,
      [limit],
    );
    return rows.map((row) => {
      const balanceMinor = String(row.accountBalanceMinor);
      delete row.accountBalanceMinor;
      return { invoice: INVOICES.decode(row), balanceMinor };
    });
  }
}

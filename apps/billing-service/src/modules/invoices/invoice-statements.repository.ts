import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';
import type { InvoicedAccount, LedgerDayGroup, MonthStatement } from './invoice-record';
import { nextPeriodStart, periodStartInstant } from './invoice-period';

/*
 * What the invoice generator reads: which account-months still need an invoice, and a month's
 * ledger. Read-only on the accounts module's tables (accounts, ledger_entries) and on
 * usage_records and service_charges, which say what a usage or service-charge entry was; the only
 * write-side effect is the generator's row lock on the account while it issues its invoices.
 */

/** The months $1 … $2 (period starts, inclusive) with their UTC bounds. */
const MONTHS = `months AS (
  SELECT p::date AS period_start,
         p AT TIME ZONE 'UTC' AS start_at,
         (p + interval '1 month') AT TIME ZONE 'UTC' AS end_at
  FROM generate_series($1::date::timestamp, $2::date::timestamp, interval '1 month') AS p
)`;

/**
 * Account `a` needs an invoice for month `m`: none issued yet, and the month had ledger activity
 * or began with a non-zero balance (a debt or credit carried over is still worth a statement).
 */
const PENDING = `NOT EXISTS (
    SELECT 1 FROM invoices i
    WHERE i.user_id = a.user_id AND i.period_start = m.period_start AND i.currency = a.currency)
  AND (EXISTS (
         SELECT 1 FROM ledger_entries l
         WHERE l.account_id = a.id AND l.created_at >= m.start_at AND l.created_at < m.end_at)
       OR (SELECT COALESCE(sum(l.amount_minor), 0) FROM ledger_entries l
           WHERE l.account_id = a.id AND l.created_at < m.start_at) <> 0)`;

/**
 * The ledger kind a line is grouped under: a top-up credited by a provider payment (the payments
 * module writes it with reference `payment:<id>`) is a `payment`, apart from an admin's top-ups; a
 * slice of a running allocation (or its refund) is usage, like the charge of its usage report.
 */
const LINE_LEDGER_KIND = `CASE WHEN l.kind = 'top_up' AND l.reference LIKE 'payment:%' THEN 'payment'
  WHEN l.kind = 'usage_slice' THEN 'usage_charge' ELSE l.kind END`;

/**
 * What one entry is about: its allocation (a usage report's charge and the slices of one allocation
 * are one allocation), charge or top-up reference, else the entry itself.
 */
const ENTRY_SUBJECT = `COALESCE(u.allocation_id::text, s.allocation_id::text, sc.reference, l.reference, l.id::text)`;

/**
 * The seconds an entry charged: a slice's span, the rest a usage report charged after its slices
 * (all its seconds if never sliced). A refund charged none.
 */
const ENTRY_SECONDS = `CASE WHEN s.kind = 'slice' THEN s.seconds_to - s.seconds_from
  WHEN s.kind = 'refund' THEN 0
  ELSE GREATEST(0, u.billed_seconds - u.sliced_seconds) END`;

const ACCOUNT_COLUMNS = `id, user_id AS "userId", tenant_id AS "tenantId", currency`;

@Injectable()
export class InvoiceStatementsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Up to `limit` accounts after `afterId` (by id) with a month from `first` to `last` to invoice. */
  async pendingAccounts(
    first: string,
    last: string,
    afterId: string | null,
    limit: number,
  ): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(
      `WITH ${MONTHS}
       SELECT a.id FROM accounts a
       WHERE ($3::uuid IS NULL OR a.id > $3::uuid)
         AND EXISTS (SELECT 1 FROM months m WHERE ${PENDING})
       ORDER BY a.id
       LIMIT $4`,
      [first, last, afterId, limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Locks the account row for the rest of the transaction: a racing generator skips it (or, with
   * `wait`, waits and then finds its invoices issued), and no charge or top-up of the account can
   * commit meanwhile. Null when skipped or gone.
   */
  async lockAccount(accountId: string, wait: boolean): Promise<InvoicedAccount | null> {
    return this.sql.one<InvoicedAccount>(
      wait
        ? `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1 FOR UPDATE`
        : `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1 FOR UPDATE SKIP LOCKED`,
      [accountId],
    );
  }

  /** The months from `first` to `last` the account still needs an invoice for, oldest first. */
  async pendingMonths(accountId: string, first: string, last: string): Promise<string[]> {
    const rows = await this.sql.rows<{ periodStart: string }>(
      `WITH ${MONTHS}
       SELECT m.period_start::text AS "periodStart"
       FROM months m JOIN accounts a ON a.id = $3
       WHERE ${PENDING}
       ORDER BY m.period_start`,
      [first, last, accountId],
    );
    return rows.map((row) => row.periodStart);
  }

  /**
   * The account's month: opening and closing balances (sums of its entries before the month and
   * before the next one) and the month's entries summed per UTC day, kind, source and sign.
   */
  async statement(accountId: string, periodStart: string): Promise<MonthStatement> {
    const startAt = periodStartInstant(periodStart).toISOString();
    const endAt = periodStartInstant(nextPeriodStart(periodStart)).toISOString();
    const [balances] = await this.sql.rows<{ opening: string; closing: string }>(
      `SELECT COALESCE(sum(amount_minor) FILTER (WHERE created_at < $2), 0)::text AS opening,
              COALESCE(sum(amount_minor), 0)::text AS closing
       FROM ledger_entries
       WHERE account_id = $1 AND created_at < $3`,
      [accountId, startAt, endAt],
    );
    const groups = await this.sql.rows<{
      ledgerKind: string;
      day: string;
      source: string | null;
      quantity: number;
      seconds: string | null;
      amountMinor: string;
      reference: string | null;
    }>(
      `SELECT ${LINE_LEDGER_KIND} AS "ledgerKind",
              to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              sc.source,
              count(DISTINCT ${ENTRY_SUBJECT})::int AS quantity,
              (sum(${ENTRY_SECONDS}) FILTER (WHERE u.id IS NOT NULL OR s.id IS NOT NULL))::text AS seconds,
              sum(l.amount_minor)::text AS "amountMinor",
              CASE WHEN count(DISTINCT ${ENTRY_SUBJECT}) = 1
                THEN left(min(COALESCE(u.allocation_id::text, s.allocation_id::text, sc.reference, l.reference)), 200)
              END AS reference
       FROM ledger_entries l
       LEFT JOIN usage_records u ON u.id = l.usage_id
       LEFT JOIN usage_slices s ON s.id = l.usage_slice_id
       LEFT JOIN service_charges sc ON sc.id = l.service_charge_id
       WHERE l.account_id = $1 AND l.created_at >= $2 AND l.created_at < $3
       GROUP BY 1, 2, sc.source, (l.amount_minor > 0)`,
      [accountId, startAt, endAt],
    );
    return {
      periodStart,
      openingBalanceMinor: BigInt(balances.opening),
      closingBalanceMinor: BigInt(balances.closing),
      groups: groups.map((group): LedgerDayGroup => ({
        ...group,
        seconds: group.seconds === null ? null : BigInt(group.seconds),
        amountMinor: BigInt(group.amountMinor),
      })),
    };
  }
}

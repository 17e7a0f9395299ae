import { Injectable } from '@nestjs/common';
import { decodeColumn, SqlClient, TableMap } from '@cloudphone/shared';
import type { LedgerEntry, LedgerMismatch } from './ledger-entry';

const LEDGER_ENTRIES = new TableMap<LedgerEntry>('ledger_entries', {
  // bigint identity, kept as its decimal text.
  id: 'id',
  accountId: 'account_id',
  kind: 'kind',
  amountMinor: { column: 'amount_minor', decode: decodeColumn.bigint },
  balanceAfterMinor: { column: 'balance_after_minor', decode: decodeColumn.bigint },
  usageId: 'usage_id',
  serviceChargeId: 'service_charge_id',
  usageSliceId: 'usage_slice_id',
  reference: 'reference',
});

/**
 * For a set statement that records usages: a data-modifying CTE body appending the `usage_charge`
 * entry of each usage the statement really recorded (`recorded`, a CTE exposing their `id`), in
 * the parameters' order, so their ids rise with it. The parameters, from `first` on, are
 * `usageChargesParameters`.
 */
export function usageChargesInsertSql(first: number, recorded: string): string {
  const [account, amount, balanceAfter, usage] = [0, 1, 2, 3].map((offset) => `$${first + offset}`);
  return `INSERT INTO ledger_entries (account_id, kind, amount_minor, balance_after_minor, usage_id)
    SELECT c.account_id, 'usage_charge', c.amount_minor, c.balance_after_minor, c.usage_id
    FROM unnest(${account}::uuid[], ${amount}::bigint[], ${balanceAfter}::bigint[], ${usage}::uuid[])
      WITH ORDINALITY AS c (account_id, amount_minor, balance_after_minor, usage_id, position)
    JOIN ${recorded} r ON r.id = c.usage_id
    ORDER BY c.position`;
}

/** The parameters of `usageChargesInsertSql`, one entry per charge, in order. */
export function usageChargesParameters(
  charges: ReadonlyArray<{
    accountId: string;
    amountMinor: bigint;
    balanceAfterMinor: bigint;
    usageId: string;
  }>,
): unknown[] {
  return [
    charges.map((charge) => charge.accountId),
    charges.map((charge) => charge.amountMinor.toString()),
    charges.map((charge) => charge.balanceAfterMinor.toString()),
    charges.map((charge) => charge.usageId),
  ];
}

@Injectable()
export class LedgerRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Appends an entry and returns its id, or null when a unique index refused it (a top-up whose
   * reference was already used): the caller then reads the earlier entry instead.
   */
  async insertUnlessDuplicate(
    entry: Omit<LedgerEntry, 'id'> & { createdBy: string | null },
  ): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO ledger_entries (account_id, kind, amount_minor, balance_after_minor, usage_id, service_charge_id,
         usage_slice_id, reference, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        entry.accountId,
        entry.kind,
        entry.amountMinor.toString(),
        entry.balanceAfterMinor.toString(),
        entry.usageId,
        entry.serviceChargeId,
        entry.usageSliceId,
        entry.reference,
        entry.createdBy,
      ],
    );
    return row ? row.id : null;
  }

  async findTopUp(reference: string): Promise<LedgerEntry | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${LEDGER_ENTRIES.select()} FROM ledger_entries WHERE kind = 'top_up' AND reference = $1`,
      [reference],
    );
    return row ? LEDGER_ENTRIES.decode(row) : null;
  }

  /** Accounts whose balance is not the sum of their ledger (there should never be any). */
  findMismatches(limit: number): Promise<LedgerMismatch[]> {
    // bigint and numeric arrive as decimal text.
    return this.sql.rows<LedgerMismatch>(
      `SELECT a.user_id AS "userId", a.balance_minor AS "balanceMinor", COALESCE(l.total, 0) AS "ledgerSumMinor"
       FROM accounts a
       LEFT JOIN (SELECT account_id, SUM(amount_minor) AS total FROM ledger_entries GROUP BY account_id) l
         ON l.account_id = a.id
       WHERE a.balance_minor <> COALESCE(l.total, 0)
       ORDER BY a.user_id
       LIMIT $1`,
      [limit],
    );
  }
}

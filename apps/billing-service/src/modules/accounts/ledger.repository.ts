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

  /**
   * Appends entries in the given order (their ids rise with it) in one statement. A unique index
   * refusing any of them fails the statement, and with it the caller's transaction.
   */
  async insertAll(
    entries: ReadonlyArray<Omit<LedgerEntry, 'id'> & { createdBy: string | null }>,
  ): Promise<void> {
    const rows = entries.map((entry) => ({
      account_id: entry.accountId,
      kind: entry.kind,
      amount_minor: entry.amountMinor.toString(),
      balance_after_minor: entry.balanceAfterMinor.toString(),
      usage_id: entry.usageId,
      service_charge_id: entry.serviceChargeId,
      usage_slice_id: entry.usageSliceId,
      reference: entry.reference,
      created_by: entry.createdBy,
    }));
    await this.sql.rows(
      `INSERT INTO ledger_entries (account_id, kind, amount_minor, balance_after_minor, usage_id, service_charge_id,
         usage_slice_id, reference, created_by)
       SELECT e.account_id, e.kind, e.amount_minor, e.balance_after_minor, e.usage_id, e.service_charge_id,
         e.usage_slice_id, e.reference, e.created_by
       FROM jsonb_populate_recordset(NULL::ledger_entries, $1::jsonb) WITH ORDINALITY AS e
       ORDER BY e.ordinality`,
      [JSON.stringify(rows)],
    );
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

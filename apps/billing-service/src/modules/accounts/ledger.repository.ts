import { Injectable } from '@nestjs/common';
import { queryRows } from '@cloudphone/shared';
import type { EntityManager } from 'typeorm';
import type { LedgerEntry, LedgerEntryKind, LedgerMismatch } from './ledger-entry';

interface LedgerEntryRow {
  id: string;
  account_id: string;
  kind: LedgerEntryKind;
  amount_minor: string;
  balance_after_minor: string;
  usage_id: string | null;
  reference: string | null;
}

const COLUMNS = 'id, account_id, kind, amount_minor, balance_after_minor, usage_id, reference';

@Injectable()
export class LedgerRepository {
  /**
   * Appends an entry and returns its id, or null when a unique index refused it (a top-up whose
   * reference was already used): the caller then reads the earlier entry instead.
   */
  async insertUnlessDuplicate(
    manager: EntityManager,
    entry: Omit<LedgerEntry, 'id'> & { createdBy: string | null },
  ): Promise<string | null> {
    const rows: Array<{ id: string }> = await queryRows(
      manager,
      `INSERT INTO ledger_entries (account_id, kind, amount_minor, balance_after_minor, usage_id, reference, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        entry.accountId,
        entry.kind,
        entry.amountMinor.toString(),
        entry.balanceAfterMinor.toString(),
        entry.usageId,
        entry.reference,
        entry.createdBy,
      ],
    );
    return rows.length > 0 ? String(rows[0].id) : null;
  }

  async findTopUp(manager: EntityManager, reference: string): Promise<LedgerEntry | null> {
    const rows: LedgerEntryRow[] = await queryRows(
      manager,
      `SELECT ${COLUMNS} FROM ledger_entries WHERE kind = 'top_up' AND reference = $1`,
      [reference],
    );
    return rows.length > 0 ? toEntry(rows[0]) : null;
  }

  /** Accounts whose balance is not the sum of their ledger (there should never be any). */
  async findMismatches(manager: EntityManager, limit: number): Promise<LedgerMismatch[]> {
    const rows: Array<{ user_id: string; balance_minor: string; ledger_sum: string }> = await queryRows(
      manager,
      `SELECT a.user_id, a.balance_minor, COALESCE(l.total, 0) AS ledger_sum
       FROM accounts a
       LEFT JOIN (SELECT account_id, SUM(amount_minor) AS total FROM ledger_entries GROUP BY account_id) l
         ON l.account_id = a.id
       WHERE a.balance_minor <> COALESCE(l.total, 0)
       ORDER BY a.user_id
       LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      userId: row.user_id,
      balanceMinor: String(row.balance_minor),
      ledgerSumMinor: String(row.ledger_sum),
    }));
  }
}

function toEntry(row: LedgerEntryRow): LedgerEntry {
  return {
    id: String(row.id),
    accountId: row.account_id,
    kind: row.kind,
    amountMinor: BigInt(row.amount_minor),
    balanceAfterMinor: BigInt(row.balance_after_minor),
    usageId: row.usage_id,
    reference: row.reference,
  };
}

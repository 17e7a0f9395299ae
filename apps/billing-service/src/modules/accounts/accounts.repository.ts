import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page, queryRows } from '@cloudphone/shared';
import { type EntityManager, Repository } from 'typeorm';
import { AccountEntity, type AccountStatus } from './account.entity';
import type { AccountSnapshot } from './account-snapshot';

interface AccountRow {
  id: string;
  user_id: string;
  tenant_id: string;
  balance_minor: string;
  currency: string;
  status: AccountStatus;
}

const COLUMNS = 'id, user_id, tenant_id, balance_minor, currency, status';

@Injectable()
export class AccountsRepository {
  constructor(@InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>) {}

  list(query: ListQuery): Promise<Page<AccountEntity>> {
    return findPage(this.accounts.createQueryBuilder('account'), query);
  }

  /** Accounts and summed balances (minor units, as a decimal string) per status and currency. */
  summarizeByStatusAndCurrency(): Promise<
    Array<{ status: AccountStatus; currency: string; count: number; balanceMinor: string }>
  > {
    return this.accounts
      .createQueryBuilder('account')
      .select('account.status', 'status')
      .addSelect('account.currency', 'currency')
      .addSelect('count(*)::int', 'count')
      .addSelect('sum(account.balance_minor)::text', 'balanceMinor')
      .groupBy('account.status')
      .addGroupBy('account.currency')
      .getRawMany();
  }

  async findByUserId(manager: EntityManager, userId: string): Promise<AccountSnapshot | null> {
    const rows: AccountRow[] = await queryRows(
      manager,
      `SELECT ${COLUMNS} FROM accounts WHERE user_id = $1`,
      [userId],
    );
    return rows.length > 0 ? toSnapshot(rows[0]) : null;
  }

  /**
   * Locks the user's account row for the rest of the transaction, creating a zero-balance account
   * first if the user has none (concurrent first uses both end up locking the one row).
   */
  async lockOrCreate(
    manager: EntityManager,
    account: { userId: string; tenantId: string; currency: string },
  ): Promise<AccountSnapshot> {
    const existing = await this.lock(manager, account.userId);
    if (existing) return existing;
    await queryRows(
      manager,
      `INSERT INTO accounts (user_id, tenant_id, currency) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING`,
      [account.userId, account.tenantId, account.currency],
    );
    const created = await this.lock(manager, account.userId);
    if (!created) throw new Error(`Account of user ${account.userId} vanished right after its creation`);
    return created;
  }

  async updateBalance(
    manager: EntityManager,
    accountId: string,
    balanceMinor: bigint,
    status: AccountStatus,
  ): Promise<void> {
    await queryRows(
      manager,
      `UPDATE accounts SET balance_minor = $2, status = $3, updated_at = now() WHERE id = $1`,
      [accountId, balanceMinor.toString(), status],
    );
  }

  async updateStatus(manager: EntityManager, accountId: string, status: AccountStatus): Promise<void> {
    await queryRows(manager, `UPDATE accounts SET status = $2, updated_at = now() WHERE id = $1`, [
      accountId,
      status,
    ]);
  }

  /**
   * Locks up to `limit` accounts whose status disagrees with their balance (active but negative,
   * or overdue but no longer negative), skipping rows another transaction holds.
   */
  async lockMisflagged(manager: EntityManager, limit: number): Promise<AccountSnapshot[]> {
    const rows: AccountRow[] = await queryRows(
      manager,
      `SELECT ${COLUMNS} FROM accounts
       WHERE (status = 'active' AND balance_minor < 0) OR (status = 'overdue' AND balance_minor >= 0)
       ORDER BY id
       LIMIT $1
       FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toSnapshot);
  }

  private async lock(manager: EntityManager, userId: string): Promise<AccountSnapshot | null> {
    const rows: AccountRow[] = await queryRows(
      manager,
      `SELECT ${COLUMNS} FROM accounts WHERE user_id = $1 FOR UPDATE`,
      [userId],
    );
    return rows.length > 0 ? toSnapshot(rows[0]) : null;
  }
}

function toSnapshot(row: AccountRow): AccountSnapshot {
  return {
    id: row.id,
    userId: row.user_id,
    tenantId: row.tenant_id,
    balanceMinor: BigInt(row.balance_minor),
    currency: row.currency,
    status: row.status,
  };
}

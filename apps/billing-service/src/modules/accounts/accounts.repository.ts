import { Injectable } from '@nestjs/common';
import { decodeColumn, findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { AccountRecord, AccountStatus } from './account-record';

const ACCOUNTS = new TableMap<AccountRecord>('accounts', {
  id: 'id',
  userId: 'user_id',
  tenantId: 'tenant_id',
  balanceMinor: { column: 'balance_minor', decode: decodeColumn.bigint },
  currency: 'currency',
  status: 'status',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

/**
 * For a set statement: a data-modifying CTE body setting the balance and status of accounts the
 * transaction has locked. The parameters, from `first` on, are `accountBalancesParameters`.
 */
export function accountBalancesUpdateSql(first: number): string {
  const [id, balance, status] = [0, 1, 2].map((offset) => `$${first + offset}`);
  return `UPDATE accounts a SET balance_minor = b.balance_minor, status = b.status, updated_at = now()
    FROM unnest(${id}::uuid[], ${balance}::bigint[], ${status}::text[]) AS b (id, balance_minor, status)
    WHERE a.id = b.id`;
}

/** The parameters of `accountBalancesUpdateSql`: one final balance per account. */
export function accountBalancesParameters(
  balances: ReadonlyArray<{ accountId: string; balanceMinor: bigint; status: AccountStatus }>,
): unknown[] {
  return [
    balances.map((balance) => balance.accountId),
    balances.map((balance) => balance.balanceMinor.toString()),
    balances.map((balance) => balance.status),
  ];
}

@Injectable()
export class AccountsRepository {
  constructor(private readonly sql: SqlClient) {}

  list(query: ListQuery): Promise<Page<AccountRecord>> {
    return findPage(this.sql, ACCOUNTS, query);
  }

  /** Accounts and summed balances (minor units, as a decimal string) per status and currency. */
  summarizeByStatusAndCurrency(): Promise<
    Array<{ status: AccountStatus; currency: string; count: number; balanceMinor: string }>
  > {
    return this.sql.rows(
      `SELECT status, currency, count(*)::int AS count, sum(balance_minor)::text AS "balanceMinor"
       FROM accounts GROUP BY status, currency`,
    );
  }

  async findByUserId(userId: string): Promise<AccountRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${ACCOUNTS.select()} FROM accounts WHERE user_id = $1`,
      [userId],
    );
    return row ? ACCOUNTS.decode(row) : null;
  }

  /** The accounts of these users that exist, in one statement (the batched balance check). */
  async findByUserIds(userIds: readonly string[]): Promise<AccountRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${ACCOUNTS.select()} FROM accounts WHERE user_id = ANY($1::uuid[])`,
      [[...new Set(userIds)]],
    );
    return rows.map((row) => ACCOUNTS.decode(row));
  }

  /**
   * Locks the user's account row for the rest of the transaction, creating a zero-balance account
   * first if the user has none (concurrent first uses both end up locking the one row).
   */
  async lockOrCreate(account: {
    userId: string;
    tenantId: string;
    currency: string;
  }): Promise<AccountRecord> {
    const existing = await this.lock(account.userId);
    if (existing) return existing;
    await this.sql.rows(
      `INSERT INTO accounts (user_id, tenant_id, currency) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING`,
      [account.userId, account.tenantId, account.currency],
    );
    const created = await this.lock(account.userId);
    if (!created) throw new Error(`Account of user ${account.userId} vanished right after its creation`);
    return created;
  }

  /**
   * Locks the accounts of `users` (distinct) in user id order for the rest of the transaction, the
   * order every batch takes them, opening zero-balance accounts in `currency` for users without one.
   */
  async lockOrCreateAll(
    users: ReadonlyArray<{ userId: string; tenantId: string }>,
    currency: string,
  ): Promise<AccountRecord[]> {
    const userIds = users.map((user) => user.userId);
    const locked = await this.lockAll(userIds);
    if (locked.length === users.length) return locked;
    const present = new Set(locked.map((account) => account.userId));
    const missing = users.filter((user) => !present.has(user.userId));
    await this.sql.rows(
      `INSERT INTO accounts (user_id, tenant_id, currency)
       SELECT u.user_id, u.tenant_id, $3 FROM unnest($1::uuid[], $2::text[]) AS u (user_id, tenant_id)
       ON CONFLICT (user_id) DO NOTHING`,
      [missing.map((user) => user.userId), missing.map((user) => user.tenantId), currency],
    );
    return this.lockAll(userIds);
  }

  async updateBalance(accountId: string, balanceMinor: bigint, status: AccountStatus): Promise<void> {
    await this.sql.rows(
      `UPDATE accounts SET balance_minor = $2, status = $3, updated_at = now() WHERE id = $1`,
      [accountId, balanceMinor.toString(), status],
    );
  }

  async updateStatus(accountId: string, status: AccountStatus): Promise<void> {
    await this.sql.rows(`UPDATE accounts SET status = $2, updated_at = now() WHERE id = $1`, [
      accountId,
      status,
    ]);
  }

  /**
   * Locks up to `limit` accounts whose status disagrees with their balance (active but negative,
   * or overdue but no longer negative), skipping rows another transaction holds.
   */
  async lockMisflagged(limit: number): Promise<AccountRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${ACCOUNTS.select()} FROM accounts
       WHERE (status = 'active' AND balance_minor < 0) OR (status = 'overdue' AND balance_minor >= 0)
       ORDER BY id
       LIMIT $1
       FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return ACCOUNTS.decodeAll(rows);
  }

  private async lockAll(userIds: readonly string[]): Promise<AccountRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${ACCOUNTS.select()} FROM accounts WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR UPDATE`,
      [userIds],
    );
    return ACCOUNTS.decodeAll(rows);
  }

  private async lock(userId: string): Promise<AccountRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${ACCOUNTS.select()} FROM accounts WHERE user_id = $1 FOR UPDATE`,
      [userId],
    );
    return row ? ACCOUNTS.decode(row) : null;
  }
}

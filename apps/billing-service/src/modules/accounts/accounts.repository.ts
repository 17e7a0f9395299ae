import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import { Repository } from 'typeorm';
import { AccountEntity, type AccountStatus } from './account.entity';

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
}

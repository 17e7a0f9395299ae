import { Injectable } from '@nestjs/common';
import type { ListQuery, Page } from '@cloudphone/shared';
import type { AccountEntity } from './account.entity';
import { AccountsRepository } from './accounts.repository';

@Injectable()
export class AccountsService {
  constructor(private readonly accounts: AccountsRepository) {}

  list(query: ListQuery): Promise<Page<AccountEntity>> {
    return this.accounts.list(query);
  }
}

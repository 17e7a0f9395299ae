import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BILLING_ROUTES } from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiListQuery,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
} from '@cloudphone/shared';
import type { AccountEntity } from './account.entity';
import { ACCOUNTS_LIST_QUERY } from './accounts.list-query';
import { AccountsService } from './accounts.service';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller(BILLING_ROUTES.accounts)
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'List billing accounts (admin or service)' })
  @ApiListQuery(ACCOUNTS_LIST_QUERY)
  list(@ListQueryParam(ACCOUNTS_LIST_QUERY) query: ListQuery): Promise<Page<AccountEntity>> {
    return this.accounts.list(query);
  }
}

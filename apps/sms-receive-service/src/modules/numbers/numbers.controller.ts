import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SMS_RECEIVE_ROUTES } from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiListQuery,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
} from '@cloudphone/shared';
import type { VirtualNumberRecord } from './virtual-number-record';
import { NUMBERS_LIST_QUERY } from './numbers.list-query';
import { NumbersService } from './numbers.service';

@ApiTags('numbers')
@ApiBearerAuth()
@Controller(SMS_RECEIVE_ROUTES.numbers)
export class NumbersController {
  constructor(private readonly numbers: NumbersService) {}

  @Get()
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'List virtual numbers (admin or service)' })
  @ApiListQuery(NUMBERS_LIST_QUERY)
  list(@ListQueryParam(NUMBERS_LIST_QUERY) query: ListQuery): Promise<Page<VirtualNumberRecord>> {
    return this.numbers.list(query);
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { USER_ROUTES } from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiListQuery,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
} from '@cloudphone/shared';
import type { UserEntity } from './user.entity';
import { USERS_LIST_QUERY } from './users.list-query';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller(USER_ROUTES.users)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'List users (admin)' })
  @ApiListQuery(USERS_LIST_QUERY)
  list(@ListQueryParam(USERS_LIST_QUERY) query: ListQuery): Promise<Page<UserEntity>> {
    return this.users.list(query);
  }
}

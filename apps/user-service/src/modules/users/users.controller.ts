import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateUserRequest, UpdateUserRequest, USER_ROUTES, UserResponse } from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import { CurrentOrigin, type RequestOrigin } from '../audit';
import { UserIdParams } from './dto/user-id.params';
import { USERS_LIST_QUERY } from './users.list-query';
import { UsersService } from './users.service';

@ApiCommonErrors()
@ApiTags('users')
@ApiBearerAuth()
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get(USER_ROUTES.users)
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'List users (admin)' })
  @ApiListQuery(USERS_LIST_QUERY)
  @ApiPaginatedResponse(UserResponse)
  list(@ListQueryParam(USERS_LIST_QUERY) query: ListQuery): Promise<Page<UserResponse>> {
    return this.users.list(query);
  }

  @Post(USER_ROUTES.users)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Create a user (admin); 409 EMAIL_TAKEN' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrorResponses({ 409: ['EMAIL_TAKEN', 'USERNAME_TAKEN'] })
  create(@Body() request: CreateUserRequest): Promise<UserResponse> {
    return this.users.create(request);
  }

  // Declared before users/:id so that "me" is not read as an id.
  @Get(USER_ROUTES.me)
  @ApiKeyScope('account')
  @ApiOperation({ summary: "The caller's own profile" })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrorResponses({ 404: ['USER_NOT_FOUND'] })
  me(@CurrentPrincipal() principal: Principal): Promise<UserResponse> {
    return this.users.me(principal);
  }

  @Get(USER_ROUTES.user)
  @ApiKeyScope('account')
  @ApiOperation({ summary: 'One user (admin, services, or the user themself)' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrorResponses({ 404: ['USER_NOT_FOUND'] })
  get(@CurrentPrincipal() principal: Principal, @Param() params: UserIdParams): Promise<UserResponse> {
    return this.users.get(principal, params.id);
  }

  @Patch(USER_ROUTES.user)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Change roles, tier, status or display name (admin)' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrorResponses({ 404: ['USER_NOT_FOUND'], 409: ['OWN_ACCESS_CHANGE'] })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: UserIdParams,
    @Body() request: UpdateUserRequest,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<UserResponse> {
    return this.users.update(principal, params.id, request, origin);
  }
}

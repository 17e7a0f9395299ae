import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiKeyIntrospectionRequest,
  ApiKeyIntrospectionResponse,
  ApiKeyResponse,
  CreateApiKeyRequest,
  CreatedApiKeyResponse,
  USER_ROUTES,
} from '@cloudphone/contracts';
import {
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyErrors,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  ListQueryParam,
  type ListQuery,
  type Page,
  type Principal,
  ServiceTokenOnly,
} from '@cloudphone/shared';
import { CurrentOrigin, type RequestOrigin } from '../audit';
import { API_KEYS_LIST_QUERY } from './api-keys.list-query';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyIdParams } from './dto/api-key-id.params';

// No @ApiKeyScope here on purpose: a key may not list, mint or revoke keys (a narrow key could
// otherwise mint itself a wider one). These routes take a user JWT.
@ApiCommonErrors()
@ApiTags('api keys')
@ApiBearerAuth()
@Controller()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get(USER_ROUTES.apiKeys)
  @ApiOperation({ summary: "The caller's API keys (prefix only, never the key)" })
  @ApiListQuery(API_KEYS_LIST_QUERY)
  @ApiPaginatedResponse(ApiKeyResponse)
  list(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(API_KEYS_LIST_QUERY) query: ListQuery,
  ): Promise<Page<ApiKeyResponse>> {
    return this.keys.list(principal, query);
  }

  @Post(USER_ROUTES.apiKeys)
  @ApiOperation({
    summary:
      'Create an API key; the key is in this answer only. 409 API_KEY_NAME_TAKEN, API_KEY_LIMIT_REACHED',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @ApiErrorResponses({ 403: ['ACCOUNT_NOT_ACTIVE'], 409: ['API_KEY_LIMIT_REACHED', 'API_KEY_NAME_TAKEN'] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateApiKeyRequest,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<CreatedApiKeyResponse> {
    return this.keys.create(principal, request, origin);
  }

  // Declared before auth/api-keys/:id for readability; the methods differ, so they never clash.
  @Post(USER_ROUTES.apiKeyIntrospect)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({ summary: 'Who an API key acts for (services); 401 API_KEY_INVALID' })
  @ApiOkResponse({ type: ApiKeyIntrospectionResponse })
  @ApiErrorResponses({ 401: ['API_KEY_INVALID'] })
  async introspect(@Body() request: ApiKeyIntrospectionRequest): Promise<ApiKeyIntrospectionResponse> {
    const grant = await this.keys.introspect(request.key);
    if (!grant) throw ApiKeyErrors.invalid();
    return grant;
  }

  @Delete(USER_ROUTES.apiKey)
  @ApiOperation({
    summary: 'Revoke an API key (its owner or an admin); 404 API_KEY_NOT_FOUND when not in force',
  })
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiErrorResponses({ 404: ['API_KEY_NOT_FOUND'] })
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ApiKeyIdParams,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<ApiKeyResponse> {
    return this.keys.revoke(principal, params.id, origin);
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROXY_ROUTES } from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiListQuery,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
} from '@cloudphone/shared';
import type { ProxyRecord } from './proxy-record';
import { PROXIES_LIST_QUERY } from './proxies.list-query';
import { ProxiesService } from './proxies.service';

@ApiTags('proxies')
@ApiBearerAuth()
@Controller(PROXY_ROUTES.proxies)
export class ProxiesController {
  constructor(private readonly proxies: ProxiesService) {}

  @Get()
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'List proxies (admin or service)' })
  @ApiListQuery(PROXIES_LIST_QUERY)
  list(@ListQueryParam(PROXIES_LIST_QUERY) query: ListQuery): Promise<Page<ProxyRecord>> {
    return this.proxies.list(query);
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LoginStatsResponse, SecurityAuditEventResponse, USER_ROUTES } from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  ApiCommonErrors,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import { AUDIT_LOG_LIST_QUERY, LOGIN_HISTORY_LIST_QUERY } from './security-audit.list-query';
import { SecurityAuditQueryService } from './security-audit-query.service';

@ApiCommonErrors()
@ApiTags('auth')
@ApiBearerAuth()
@Controller()
export class SecurityAuditController {
  constructor(private readonly audit: SecurityAuditQueryService) {}

  @Get(USER_ROUTES.loginHistory)
  @ApiOperation({ summary: "The caller's own logins, failed logins and lockouts, newest first (user)" })
  @ApiListQuery(LOGIN_HISTORY_LIST_QUERY)
  @ApiPaginatedResponse(SecurityAuditEventResponse)
  loginHistory(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(LOGIN_HISTORY_LIST_QUERY) query: ListQuery,
  ): Promise<Page<SecurityAuditEventResponse>> {
    return this.audit.loginHistory(principal, query);
  }

  @Get(USER_ROUTES.loginStats)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Logins per UTC day over the last 90 days, refreshed every 5 minutes (admin)' })
  @ApiOkResponse({ type: LoginStatsResponse })
  loginStats(): Promise<LoginStatsResponse> {
    return this.audit.loginStats();
  }

  @Get(USER_ROUTES.auditLog)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'The security audit log, newest first (admin)' })
  @ApiListQuery(AUDIT_LOG_LIST_QUERY)
  @ApiPaginatedResponse(SecurityAuditEventResponse)
  auditLog(
    @ListQueryParam(AUDIT_LOG_LIST_QUERY) query: ListQuery,
  ): Promise<Page<SecurityAuditEventResponse>> {
    return this.audit.list(query);
  }
}

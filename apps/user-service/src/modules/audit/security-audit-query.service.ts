import { Injectable } from '@nestjs/common';
import type { LoginStatsResponse, SecurityAuditEventResponse } from '@cloudphone/contracts';
import type { ListQuery, Page, Principal } from '@cloudphone/shared';
import { AuditErrors } from './audit.errors';
import type { SecurityAuditRecord } from './security-audit-record';
import { SecurityAuditRepository } from './security-audit.repository';

/** Reads of the security audit log: the admin log, a user's own logins, and the login statistics. */
@Injectable()
export class SecurityAuditQueryService {
  constructor(private readonly audit: SecurityAuditRepository) {}

  async list(query: ListQuery): Promise<Page<SecurityAuditEventResponse>> {
    const page = await this.audit.list(query);
    return { ...page, items: page.items.map(toResponse) };
  }

  /** The caller's own login events; a service token has none (403). */
  async loginHistory(principal: Principal, query: ListQuery): Promise<Page<SecurityAuditEventResponse>> {
    if (principal.kind !== 'user') throw AuditErrors.noLoginHistoryForServices();
    const page = await this.audit.loginHistory(principal.userId, query);
    return { ...page, items: page.items.map(toResponse) };
  }

  /** Logins per UTC day from the view (refreshed every 5 minutes by login-stats-refresh). */
  async loginStats(): Promise<LoginStatsResponse> {
    return { days: await this.audit.loginStats() };
  }
}

function toResponse(record: SecurityAuditRecord): SecurityAuditEventResponse {
  return { ...record, occurredAt: record.occurredAt.toISOString() };
}

import { Injectable } from '@nestjs/common';
import type { SecurityAuditEventName } from '@cloudphone/contracts';
import type { RequestOrigin } from './request-origin.decorator';
import { SecurityAuditRepository } from './security-audit.repository';

export interface SecurityAuditEntry {
  event: SecurityAuditEventName;
  /** Whom the event is about. */
  userId?: string | null;
  /** Who did it, when not the user themself: an admin's id or `service:<name>`. */
  actor?: string | null;
  origin?: RequestOrigin;
  details?: Record<string, unknown>;
}

/**
 * Records security events. Called inside the transaction of the change it records, so a login
 * failure's counter and its audit row, or a revoked key and its record, commit together.
 */
@Injectable()
export class SecurityAuditService {
  constructor(private readonly audit: SecurityAuditRepository) {}

  record(entry: SecurityAuditEntry): Promise<void> {
    return this.audit.insert({
      event: entry.event,
      userId: entry.userId ?? null,
      actor: entry.actor ?? entry.userId ?? null,
      ip: entry.origin?.ip ?? null,
      userAgent: entry.origin?.userAgent ?? null,
      details: entry.details ?? {},
    });
  }
}

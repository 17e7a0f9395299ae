import type { SecurityAuditEventName } from '@cloudphone/contracts';

/** One stored row of `security_audit_events`. */
export interface SecurityAuditRecord {
  id: string;
  occurredAt: Date;
  event: SecurityAuditEventName;
  userId: string | null;
  actor: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

/** One row of the `login_stats_daily` view. */
export interface LoginStatsRow {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  succeeded: number;
  failed: number;
  lockouts: number;
  distinctUsers: number;
}

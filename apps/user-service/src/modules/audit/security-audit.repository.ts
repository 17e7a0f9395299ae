import { Injectable } from '@nestjs/common';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { LoginStatsRow, SecurityAuditRecord } from './security-audit-record';
import { LOGIN_EVENTS } from './security-audit.list-query';

const EVENTS = new TableMap<SecurityAuditRecord>('security_audit_events', {
  id: 'id',
  occurredAt: 'occurred_at',
  event: 'event',
  userId: 'user_id',
  actor: 'actor',
  ip: 'ip',
  userAgent: 'user_agent',
  details: 'details',
});

/** A row to write: the database gives it its id and time. */
export type NewSecurityAuditEvent = Omit<SecurityAuditRecord, 'id' | 'occurredAt'>;

/**
 * The month-partitioned `security_audit_events` (migration 0004): writes, the admin and self-service
 * lists, and the `login_stats_daily` view over it. Partition DDL is in AuditPartitionsRepository.
 */
@Injectable()
export class SecurityAuditRepository {
  constructor(private readonly sql: SqlClient) {}

  async insert(entry: NewSecurityAuditEvent): Promise<void> {
    await this.sql.rows(
      `INSERT INTO security_audit_events (event, user_id, actor, ip, user_agent, details)
       VALUES ($1, $2, $3, left($4, 64), left($5, 256), $6)`,
      [entry.event, entry.userId, entry.actor, entry.ip, entry.userAgent, JSON.stringify(entry.details)],
    );
  }

  /** The whole log (admin), filtered and paged. */
  list(query: ListQuery): Promise<Page<SecurityAuditRecord>> {
    return findPage(this.sql, EVENTS, query);
  }

  /** One user's login events, filtered and paged. */
  loginHistory(userId: string, query: ListQuery): Promise<Page<SecurityAuditRecord>> {
    return findPage(this.sql, EVENTS, query, {
      where: `user_id = $1 AND event = ANY($2::text[])`,
      parameters: [userId, [...LOGIN_EVENTS]],
    });
  }

  /** The login statistics view, oldest day first, as of its last refresh. */
  loginStats(): Promise<LoginStatsRow[]> {
    return this.sql.rows<LoginStatsRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, succeeded::int AS succeeded, failed::int AS failed,
              lockouts::int AS lockouts, distinct_users::int AS "distinctUsers"
       FROM login_stats_daily
       ORDER BY day`,
    );
  }

  /** Recomputes the view without blocking its readers (needs its unique index on day). */
  async refreshLoginStats(): Promise<void> {
    await this.sql.rows(`REFRESH MATERIALIZED VIEW CONCURRENTLY login_stats_daily`);
  }
}

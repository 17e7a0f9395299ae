import { Injectable } from '@nestjs/common';
import type { ProxyAlertKind, ProxyAlertStatus } from '@cloudphone/contracts';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';

export interface ProxyAlertRecord {
  id: string;
  kind: ProxyAlertKind;
  subject: string;
  day: string;
  message: string;
  status: ProxyAlertStatus;
  raisedAt: Date;
  updatedAt: Date;
  updatedBy: string | null;
}

export const PROXY_ALERTS = new TableMap<ProxyAlertRecord>('proxy_alerts', {
  id: 'id',
  kind: 'kind',
  subject: 'subject',
  // A date column: as text, so no driver turns it into a local midnight.
  day: 'day::text',
  message: 'message',
  status: 'status',
  raisedAt: 'raised_at',
  updatedAt: 'updated_at',
  updatedBy: 'updated_by',
});

/** Alerts the jobs and acquisitions raise, at most one per kind, subject and UTC day. */
@Injectable()
export class AlertsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Raises the alert unless today's exists already (on any replica); answers whether it is new. */
  async raise(kind: ProxyAlertKind, subject: string, message: string): Promise<boolean> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO proxy_alerts (kind, subject, day, message)
       VALUES ($1, $2, (now() AT TIME ZONE 'UTC')::date, $3)
       ON CONFLICT (kind, subject, day) DO NOTHING RETURNING id`,
      [kind, subject.slice(0, 200), message.slice(0, 500)],
    );
    return row !== null;
  }

  list(query: ListQuery): Promise<Page<ProxyAlertRecord>> {
    return findPage(this.sql, PROXY_ALERTS, query);
  }

  /** Moves an alert on (open → acknowledged → resolved; never back). Null when unknown. */
  async setStatus(
    id: string,
    status: 'acknowledged' | 'resolved',
    by: string,
  ): Promise<ProxyAlertRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `WITH target AS (SELECT id FROM proxy_alerts WHERE id = $1),
       moved AS (
         UPDATE proxy_alerts SET status = $2, updated_by = $3, updated_at = now()
         WHERE id = $1 AND (status = 'open' OR (status = 'acknowledged' AND $2 = 'resolved'))
         RETURNING ${PROXY_ALERTS.select()})
       SELECT * FROM moved
       UNION ALL
       SELECT ${PROXY_ALERTS.select()} FROM proxy_alerts WHERE id = (SELECT id FROM target)
         AND NOT EXISTS (SELECT 1 FROM moved)`,
      [id, status, by],
    );
    return row ? PROXY_ALERTS.decode(row) : null;
  }
}

import { Injectable } from '@nestjs/common';
import { SqlClient, TableMap } from '@cloudphone/shared';
import type { NewUsageReport, UsageReport, UsageReportKind } from './usage-report';

// id is a bigint, which pg hands over as the decimal text the record keeps; payload is jsonb, parsed.
const USAGE_REPORTS = new TableMap<UsageReport>('usage_reports', {
  id: 'id',
  allocationId: 'allocation_id',
  kind: 'kind',
  payload: 'payload',
  attempts: 'attempts',
});

/** Backlog of undelivered reports of one kind, for the gauges. */
export interface UsageReportBacklog {
  kind: UsageReportKind;
  pending: number;
  oldestAgeSeconds: number;
}

/**
 * usage_reports: what device-service owes user-service and billing-service. Rows are written in
 * the transaction of the change they report and settled once their target has answered for good.
 */
@Injectable()
export class UsageReportsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Stores reports (one per allocation and kind: a repeat is ignored) and returns the new ones.
   * They are first due `leaseMs` from now: the writer sends them itself right after its commit, and
   * the job only takes over if that never settles them (the writer died, the target was down).
   */
  async insert(reports: NewUsageReport[], leaseMs: number): Promise<UsageReport[]> {
    if (reports.length === 0) return [];
    return this.sql.rows<UsageReport>(
      `INSERT INTO usage_reports (allocation_id, kind, payload, next_attempt_at)
       SELECT report.*, now() + make_interval(secs => $4::double precision / 1000)
       FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS report
       ON CONFLICT (allocation_id, kind) DO NOTHING
       RETURNING ${USAGE_REPORTS.select()}`,
      [
        reports.map((report) => report.allocationId),
        reports.map((report) => report.kind),
        reports.map((report) => JSON.stringify(report.payload)),
        leaseMs,
      ],
    );
  }

  /**
   * Claims the oldest due, unsettled reports for one delivery attempt: their next attempt moves
   * `leaseMs` ahead so another replica's job does not send them meanwhile.
   */
  claimDue(limit: number, leaseMs: number): Promise<UsageReport[]> {
    return this.sql.rows<UsageReport>(
      `WITH due AS (
         SELECT id FROM usage_reports
         WHERE settled_at IS NULL AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE usage_reports r
       SET next_attempt_at = now() + make_interval(secs => $1::double precision / 1000)
       FROM due WHERE r.id = due.id
       RETURNING ${USAGE_REPORTS.select('r')}`,
      [leaseMs, limit],
    );
  }

  /** Marks reports answered for good; `rejected` keeps the target's refusal as the last error. */
  async settle(ids: string[], outcome: 'delivered' | 'rejected', error?: string) {
    if (ids.length === 0) return;
    await this.sql.rows(
      `UPDATE usage_reports
       SET outcome = $2, settled_at = now(), attempts = attempts + 1, last_error = COALESCE($3, last_error)
       WHERE id = ANY($1::bigint[]) AND settled_at IS NULL RETURNING id`,
      [ids, outcome, error ?? null],
    );
  }

  /** Schedules the next attempt of an undelivered report. */
  async postpone(id: string, delayMs: number, error: string): Promise<void> {
    await this.sql.rows(
      `UPDATE usage_reports
       SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000), last_error = $3,
           attempts = attempts + 1
       WHERE id = $1 AND settled_at IS NULL RETURNING id`,
      [id, delayMs, error.slice(0, 2000)],
    );
  }

  async backlog(): Promise<UsageReportBacklog[]> {
    const rows = await this.sql.rows<{ kind: UsageReportKind; pending: string; oldest: string | null }>(
      `SELECT kind, count(*) AS pending, EXTRACT(EPOCH FROM now() - min(created_at)) AS oldest
       FROM usage_reports WHERE settled_at IS NULL GROUP BY kind`,
    );
    return rows.map((row) => ({
      kind: row.kind,
      pending: Number(row.pending),
      oldestAgeSeconds: Number(row.oldest ?? 0),
    }));
  }

  /** Settles the unsettled billing report of an allocation as delivered (billing has recorded it). */
  async settleBillingOf(allocationId: string): Promise<void> {
    await this.sql.rows(
      `UPDATE usage_reports SET outcome = 'delivered', settled_at = now()
       WHERE allocation_id = $1 AND kind = 'billing_usage' AND settled_at IS NULL RETURNING id`,
      [allocationId],
    );
  }

  /** Deletes reports settled more than `retentionDays` ago. */
  async trimSettled(retentionDays: number, limit: number): Promise<number> {
    const rows = await this.sql.rows(
      `DELETE FROM usage_reports WHERE id IN (
         SELECT id FROM usage_reports WHERE settled_at < now() - make_interval(days => $1)
         ORDER BY settled_at LIMIT $2)
       RETURNING id`,
      [retentionDays, limit],
    );
    return rows.length;
  }
}

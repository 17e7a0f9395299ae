import { Injectable } from '@nestjs/common';
import { SqlClient } from '../database/sql-client';
import { TableMap } from '../database/table-map';

/** A pending row is waiting (failing: at least one attempt failed); rejected: refused for good. */
export type OutboxRowState = 'pending' | 'failing' | 'rejected';

/** One outbox row as the admin view shows it. */
export interface OutboxRowView {
  id: string;
  messageId: string;
  destination: string;
  type: string;
  key: string;
  data: unknown;
  attempts: number;
  lastError: string | null;
  occurredAt: Date;
  nextAttemptAt: Date;
  rejectedAt: Date | null;
}

const ROWS = new TableMap<OutboxRowView>('outbox', {
  id: 'id',
  messageId: 'event_id',
  destination: 'destination',
  type: 'event_type',
  key: 'aggregate_key',
  data: 'data',
  attempts: 'attempts',
  lastError: 'last_error',
  occurredAt: 'occurred_at',
  nextAttemptAt: 'next_attempt_at',
  rejectedAt: 'rejected_at',
});

const STATE_CONDITION: Record<OutboxRowState, string> = {
  pending: 'sent_at IS NULL AND rejected_at IS NULL',
  failing: 'sent_at IS NULL AND rejected_at IS NULL AND attempts > 0',
  rejected: 'rejected_at IS NOT NULL',
};

/** What operators read and do through GET/POST /internal/outbox (OutboxAdminController). */
@Injectable()
export class OutboxAdminRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Up to `limit` rows in `state` (oldest first), of one destination or all. */
  list(state: OutboxRowState, destination: string | null, limit: number): Promise<OutboxRowView[]> {
    return this.sql.rows<OutboxRowView>(
      `SELECT ${ROWS.select()} FROM outbox
       WHERE ${STATE_CONDITION[state]} AND ($1::text IS NULL OR destination = $1)
       ORDER BY id LIMIT $2`,
      [destination, limit],
    );
  }

  /** Makes a pending or rejected row due now (a rejected one pending again); null when there is none. */
  retryNow(id: string): Promise<OutboxRowView | null> {
    return this.sql.one<OutboxRowView>(
      `UPDATE outbox SET next_attempt_at = now(), rejected_at = NULL
       WHERE id = $1 AND sent_at IS NULL
       RETURNING ${ROWS.select()}`,
      [id],
    );
  }
}

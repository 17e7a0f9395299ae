import { Injectable } from '@nestjs/common';
import { SqlClient } from '../database/sql-client';
import { TableMap } from '../database/table-map';
import type { NewOutboxMessage, OutboxMessage } from './outbox-message';
import { type NewOutboxRow, outboxEventsInsertSql, outboxEventsParameters } from './outbox.repository';

// Outbox rows addressed to a destination other than 'events'; rowId is the bigint id as text.
const MESSAGES = new TableMap<OutboxMessage>('outbox', {
  rowId: 'id',
  id: 'event_id',
  destination: 'destination',
  type: 'event_type',
  key: 'aggregate_key',
  data: 'data',
  attempts: 'attempts',
});

const PENDING = 'sent_at IS NULL AND rejected_at IS NULL';

// MESSAGES' columns with the row id cast to text here, so it stays text when the statement that
// stored them hands them on as JSON (json_agg), where a bigint would become a number.
const STORED_MESSAGE_COLUMNS =
  'id::text AS "rowId", event_id AS "id", destination, event_type AS "type", aggregate_key AS "key", data, attempts';

/**
 * For a writer that settles outbox messages in the statement that records why (their target
 * confirmed them another way): a data-modifying CTE body marking the pending messages whose ids are
 * the uuid[] parameter `idsParameter` sent. Nothing happens to a settled or unknown one.
 */
export function outboxMessagesSettleSql(idsParameter: string): string {
  return `UPDATE outbox SET sent_at = now() WHERE event_id = ANY(${idsParameter}::uuid[]) AND ${PENDING} RETURNING id`;
}

/** `outboxMessageId(...parts)` as Postgres computes it: the same uuid for the same parts (SQL text expressions). */
export function outboxMessageIdSql(...parts: string[]): string {
  return `md5(concat_ws(':', ${parts.join(', ')}))::uuid`;
}

/** One outbox message a statement builds itself, as SQL expressions over a row of its source. */
export interface OutboxMessageSql {
  id: string;
  destination: string;
  type: string;
  key: string;
  data: string;
}

/**
 * A data-modifying CTE body storing `messages` for each row of `source`, as `store` stores messages
 * built in Node (a repeated id is ignored; first due `leaseParameter` ms from now, for the writer to
 * deliver itself first), returning the stored ones as `OutboxMessage` columns. For a change that
 * must commit with the reports it owes in one statement, when their content comes from the rows it
 * changes.
 */
export function outboxMessagesInsertSql(
  source: string,
  messages: readonly OutboxMessageSql[],
  leaseParameter: string,
): string {
  const rows = messages
    .map(
      (message) =>
        `(${message.id}, ${message.destination}, ${message.type}, ${message.key}, ${message.data})`,
    )
    .join(', ');
  return `INSERT INTO outbox (event_id, destination, event_type, aggregate_key, data, next_attempt_at)
    SELECT m.id, m.destination, m.type, m.key, m.data,
      now() + make_interval(secs => ${leaseParameter}::double precision / 1000)
    FROM ${source} CROSS JOIN LATERAL (VALUES ${rows}) AS m(id, destination, type, key, data)
    ON CONFLICT (event_id) DO NOTHING
    RETURNING ${STORED_MESSAGE_COLUMNS}`;
}

/**
 * Per destination with unsettled rows: pending rows (failing: at least one attempt failed), rows
 * rejected for good, and the age of the oldest pending one. For the gauges and the admin view.
 */
export interface OutboxBacklog {
  destination: string;
  pending: number;
  failing: number;
  rejected: number;
  oldestPendingAgeSeconds: number;
}

/**
 * SQL of the outbox rows the delivery relay sends to HTTP destinations: stored in callers'
 * transactions, claimed with a lease (no transaction is held while a destination answers), then
 * settled as sent or rejected, or postponed.
 */
@Injectable()
export class OutboxMessagesRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Stores messages in the ambient transaction (one per id: a repeat is ignored) and returns the
   * new ones. They are first due `leaseMs` from now: the writer delivers them itself right after its
   * commit, and the relay only takes over if that never settles them.
   */
  store(
    messages: NewOutboxMessage[],
    leaseMs: number,
    events: readonly NewOutboxRow[] = [],
  ): Promise<OutboxMessage[]> {
    // Events written alongside (the change that owes the messages announces itself) share the
    // statement: one round trip for both.
    const alongside = events.length > 0 ? `WITH events AS (${outboxEventsInsertSql(7)}) ` : '';
    return this.sql.rows<OutboxMessage>(
      `${alongside}INSERT INTO outbox (event_id, destination, event_type, aggregate_key, data, next_attempt_at)
       SELECT m.*, now() + make_interval(secs => $6::double precision / 1000)
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS m
       ON CONFLICT (event_id) DO NOTHING
       RETURNING ${MESSAGES.select()}`,
      [
        messages.map((message) => message.id),
        messages.map((message) => message.destination),
        messages.map((message) => message.type),
        messages.map((message) => message.key),
        messages.map((message) => JSON.stringify(message.data ?? null)),
        leaseMs,
        ...(events.length > 0 ? outboxEventsParameters(events) : []),
      ],
    );
  }

  /**
   * Claims the oldest due pending messages of `destinations` for one delivery attempt: their next
   * attempt moves `leaseMs` ahead, so another replica's relay does not send them meanwhile.
   */
  claimDue(destinations: string[], limit: number, leaseMs: number): Promise<OutboxMessage[]> {
    return this.sql.rows<OutboxMessage>(
      `WITH due AS (
         SELECT id FROM outbox
         WHERE destination = ANY($1::text[]) AND ${PENDING} AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE outbox o SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
       FROM due WHERE o.id = due.id
       RETURNING ${MESSAGES.select('o')}`,
      [destinations, limit, leaseMs],
    );
  }

  /** Settles messages their destination accepted (rows), counting the attempt. */
  async markSent(rowIds: string[]): Promise<void> {
    if (rowIds.length === 0) return;
    await this.sql.rows(
      `UPDATE outbox SET sent_at = now(), attempts = attempts + 1
       WHERE id = ANY($1::bigint[]) AND ${PENDING} RETURNING id`,
      [rowIds],
    );
  }

  /** Settles a message its destination refused for good, keeping the refusal. */
  async markRejected(rowId: string, error: string): Promise<void> {
    await this.sql.rows(
      `UPDATE outbox SET rejected_at = now(), attempts = attempts + 1, last_error = left($2, 2000)
       WHERE id = $1 AND ${PENDING} RETURNING id`,
      [rowId, error],
    );
  }

  /** Schedules the next attempt of a message that was not delivered. */
  async postpone(rowId: string, delayMs: number, error: string): Promise<void> {
    await this.sql.rows(
      `UPDATE outbox SET attempts = attempts + 1, last_error = left($3, 2000),
         next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
       WHERE id = $1 AND ${PENDING} RETURNING id`,
      [rowId, delayMs, error],
    );
  }

  /** The backlog of every destination (events included) that has unsettled rows. */
  async backlog(): Promise<OutboxBacklog[]> {
    const rows = await this.sql.rows<{
      destination: string;
      pending: string;
      failing: string;
      rejected: string;
      oldest: number;
    }>(
      `SELECT destination,
              count(*) FILTER (WHERE rejected_at IS NULL) AS pending,
              count(*) FILTER (WHERE rejected_at IS NULL AND attempts > 0) AS failing,
              count(*) FILTER (WHERE rejected_at IS NOT NULL) AS rejected,
              COALESCE(GREATEST(0, EXTRACT(EPOCH FROM now() - min(occurred_at) FILTER (WHERE rejected_at IS NULL))), 0)::float8 AS oldest
       FROM outbox WHERE sent_at IS NULL GROUP BY destination ORDER BY destination`,
    );
    return rows.map((row) => ({
      destination: row.destination,
      pending: Number(row.pending),
      failing: Number(row.failing),
      rejected: Number(row.rejected),
      oldestPendingAgeSeconds: row.oldest,
    }));
  }
}

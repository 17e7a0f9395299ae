import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DatabasePool, type HeldConnection } from '../database/database-pool';
import { preparedStatementMismatch } from '../database/database-errors';
import { DatabaseQueryError } from '../database/database-query.error';
import { databaseWork } from '../database/database-work';
import { queryRows } from '../database/query-rows';
import { SqlClient } from '../database/sql-client';
import { OutboxRelayStatements } from './outbox-relay-statements';

export interface NewOutboxRow {
  eventId: string;
  type: string;
  version: number;
  aggregateKey: string;
  data: unknown;
}

/** An unsent row as the relay reads it; `data` stays JSON text so it is not parsed and re-serialised. */
export interface OutboxRow {
  id: string;
  eventId: string;
  type: string;
  version: number;
  aggregateKey: string;
  dataJson: string;
  occurredAt: Date;
  attempts: number;
}

/** What the relay did with a claimed batch; written back before the batch's transaction commits. */
export interface OutboxBatchResult {
  sentIds: string[];
  failures: Array<{ id: string; error: string; retryInMs: number }>;
}

/**
 * For a writer that announces a change in the statement that makes it: a data-modifying CTE body
 * inserting one event prepared by `EventPublisher.prepare`, once per row of `source` (none when the
 * change did not happen), its `data` merged with `dataOverrides` (a jsonb expression over `source`,
 * e.g. times the statement itself took from the database clock). Its five parameters, from
 * `$first`, are `outboxEventParameters(row)`.
 */
export function outboxEventInsertSql(first: number, source: string, dataOverrides: string): string {
  const [id, type, version, key, data] = [0, 1, 2, 3, 4].map((offset) => `$${first + offset}`);
  return `INSERT INTO outbox (event_id, event_type, event_version, aggregate_key, data)
    SELECT ${id}::uuid, ${type}::text, ${version}::int, ${key}::text, ${data}::jsonb || ${dataOverrides}
    FROM ${source}`;
}

/** An event a statement builds itself: SQL expressions over a row of its source. */
export interface OutboxEventSql {
  type: string;
  version: number;
  aggregateKey: string;
  data: string;
}

/**
 * A data-modifying CTE body writing one event per row of `source`, built in SQL, for a change whose
 * event content comes from the rows it changes (so it cannot be prepared in Node first). Its payload
 * skips `EventPublisher.prepare`'s check: the statement's tests check it against the contract
 * instead. Call `EventPublisher.written()` once it committed.
 */
export function outboxEventsFromSql(source: string, event: OutboxEventSql): string {
  return `INSERT INTO outbox (event_id, event_type, event_version, aggregate_key, data)
    SELECT gen_random_uuid(), ${event.type}, ${event.version}, ${event.aggregateKey}, ${event.data}
    FROM ${source}`;
}

/**
 * Inserting events prepared by `EventPublisher.prepare`, as a statement or a data-modifying CTE
 * body: its five array parameters, from `$first`, are `outboxEventsParameters(rows)`.
 */
export function outboxEventsInsertSql(first: number): string {
  const [id, type, version, key, data] = [0, 1, 2, 3, 4].map((offset) => `$${first + offset}`);
  return `INSERT INTO outbox (event_id, event_type, event_version, aggregate_key, data)
    SELECT * FROM unnest(${id}::uuid[], ${type}::text[], ${version}::int[], ${key}::text[], ${data}::jsonb[])`;
}

/**
 * The parameters `outboxEventsInsertSql` expects, in order. For `outboxPreparedEventsSql`, an item
 * without an event (undefined) gives nulls, and writes none.
 */
export function outboxEventsParameters(rows: ReadonlyArray<NewOutboxRow | undefined>): unknown[] {
  return [
    rows.map((row) => row?.eventId ?? null),
    rows.map((row) => row?.type ?? null),
    rows.map((row) => row?.version ?? null),
    rows.map((row) => row?.aggregateKey ?? null),
    rows.map((row) => (row ? JSON.stringify(row.data ?? null) : null)),
  ];
}

/**
 * For a set statement whose items each may announce their change: a data-modifying CTE body
 * inserting the event prepared for each row of `source` that has one. `source` exposes the columns
 * event_id, event_type, event_version, aggregate_key and data (an unnest of
 * `outboxEventsParameters`, joined to the rows the statement changed, so a change that did not
 * happen writes no event); rows with a null event_id write none. `data` is merged with
 * `dataOverrides`, as in `outboxEventInsertSql`.
 */
export function outboxPreparedEventsSql(source: string, dataOverrides: string): string {
  return `INSERT INTO outbox (event_id, event_type, event_version, aggregate_key, data)
    SELECT event_id, event_type, event_version, aggregate_key, data || ${dataOverrides}
    FROM ${source} WHERE event_id IS NOT NULL`;
}

/** The parameters `outboxEventInsertSql` expects, in order. */
export function outboxEventParameters(row: NewOutboxRow): unknown[] {
  return [row.eventId, row.type, row.version, row.aggregateKey, JSON.stringify(row.data ?? null)];
}

/** SQL of the `outbox` table: written in callers' transactions, read and updated by the relay. */
@Injectable()
export class OutboxRepository {
  /** The relay's statements per head limit (one limit per relay: EVENTS_RELAY_BATCH_SIZE). */
  private readonly relayStatements = new Map<number, OutboxRelayStatements>();

  constructor(
    private readonly database: DatabasePool,
    private readonly sql: SqlClient,
  ) {}

  /** Inserts rows inside the caller's (ambient) transaction. */
  async insert(rows: NewOutboxRow[]): Promise<void> {
    await this.sql.rows(outboxEventsInsertSql(1), outboxEventsParameters(rows));
  }

  /**
   * In one transaction: claims up to `headLimit` aggregates (their earliest due unsent row) and
   * reads their unsent runs in one statement, hands them to `send`, and records its result. The row
   * locks are held while `send` publishes, which is what keeps two relays off the same aggregate.
   * Returns the number of rows handed to `send` (0 when nothing was due).
   */
  async processNextBatch(
    headLimit: number,
    send: (rows: OutboxRow[]) => Promise<OutboxBatchResult>,
  ): Promise<number> {
    let statements = this.relayStatements.get(headLimit);
    if (!statements) {
      statements = new OutboxRelayStatements(headLimit);
      this.relayStatements.set(headLimit, statements);
    }
    const held = await this.database.connect();
    try {
      try {
        return await this.relayBatch(held, statements, send);
      } catch (error) {
        const mismatch = preparedStatementMismatch(error);
        if (mismatch === null) throw error;
        // The session behind this connection holds the statements, or lacks them, unlike what this
        // process prepared (a pooler in transaction mode): believe the server and try once more.
        statements.believe(held.client, mismatch === 'present');
        return await this.relayBatch(held, statements, send);
      }
    } finally {
      // Whether a PREPARE sent in a round trip that failed took effect is unknown: that connection
      // is closed rather than lent again.
      held.release(statements.unknownOn(held.client));
    }
  }

  private async relayBatch(
    held: HeldConnection,
    statements: OutboxRelayStatements,
    send: (rows: OutboxRow[]) => Promise<OutboxBatchResult>,
  ): Promise<number> {
    const client = held.client;
    let open = true;
    try {
      // Simple-protocol queries carry several statements per round trip, so the batch takes two
      // (begin and claim; mark and commit) instead of five. Their values are inlined, so only
      // integers checked here ever are. Losing this transaction's commit in a Postgres crash only
      // sends its events again (delivery is at least once), so it does not wait for the WAL flush.
      // The claim and the mark are prepared statements of the session (outbox-relay-statements.ts),
      // prepared in the first round trip a connection serves.
      const preparation = statements.preparation(client);
      const results = await simpleQuery(
        client,
        `${preparation.sql}BEGIN; SET LOCAL synchronous_commit = off; EXECUTE ${statements.claim}`,
        { statements: preparation.statements + 3, transaction: true },
      );
      statements.believe(client, true);
      const raw = results[results.length - 1].rows as RawOutboxRow[];
      if (raw.length === 0) {
        await simpleQuery(client, 'COMMIT', { statements: 1 });
        open = false;
        return 0;
      }
      const result = await send(raw.map(toOutboxRow));
      for (const failure of result.failures) {
        await queryRows(
          client,
          `UPDATE outbox SET attempts = attempts + 1, last_error = left($2, 2000),
             next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
           WHERE id = $1`,
          [failure.id, failure.error, failure.retryInMs],
        );
      }
      if (result.sentIds.length === 0) await simpleQuery(client, 'COMMIT', { statements: 1 });
      else
        await simpleQuery(
          client,
          `EXECUTE ${statements.mark}('{${result.sentIds.map(bigintText).join(',')}}'); COMMIT`,
          { statements: 2 },
        );
      open = false;
      return raw.length;
    } catch (error) {
      if (open) {
        databaseWork.rollbacks += 1;
        databaseWork.statements += 1;
        databaseWork.roundTrips += 1;
        await held.rollback();
      }
      throw error;
    }
  }

  /** Deletes up to `limit` rows sent more than `retentionHours` ago; returns how many. */
  async deleteSentBefore(retentionHours: number, limit: number): Promise<number> {
    const deleted = await this.sql.rows(
      `WITH doomed AS (
         SELECT id FROM outbox
         WHERE sent_at IS NOT NULL AND sent_at < now() - make_interval(hours => $1)
         ORDER BY sent_at
         LIMIT $2
       )
       DELETE FROM outbox o USING doomed WHERE o.id = doomed.id RETURNING o.id`,
      [retentionHours, limit],
    );
    return deleted.length;
  }

  /** Deletes up to `limit` rows rejected more than `retentionHours` ago; returns how many. */
  async deleteRejectedBefore(retentionHours: number, limit: number): Promise<number> {
    const deleted = await this.sql.rows(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE rejected_at < now() - make_interval(hours => $1)
         ORDER BY rejected_at LIMIT $2)
       RETURNING id`,
      [retentionHours, limit],
    );
    return deleted.length;
  }
}

interface RawOutboxRow {
  id: string;
  event_id: string;
  event_type: string;
  event_version: number;
  aggregate_key: string;
  data_json: string;
  occurred_at: Date;
  attempts: number;
}

function toOutboxRow(raw: RawOutboxRow): OutboxRow {
  return {
    id: raw.id,
    eventId: raw.event_id,
    type: raw.event_type,
    version: raw.event_version,
    aggregateKey: raw.aggregate_key,
    dataJson: raw.data_json,
    occurredAt: raw.occurred_at,
    attempts: raw.attempts,
  };
}

interface SimpleQueryResult {
  rows: unknown[];
}

/** One simple-protocol round trip of `statements` statements; the result of each, in order. */
async function simpleQuery(
  client: PoolClient,
  text: string,
  count: { statements: number; transaction?: boolean },
): Promise<SimpleQueryResult[]> {
  databaseWork.statements += count.statements;
  databaseWork.roundTrips += 1;
  if (count.transaction) databaseWork.transactions += 1;
  try {
    const results = (await client.query(text)) as unknown as SimpleQueryResult | SimpleQueryResult[];
    return Array.isArray(results) ? results : [results];
  } catch (error) {
    throw new DatabaseQueryError(text, [], error as Error);
  }
}

/** An outbox id as SQL text: Postgres handed it out as a bigint, and nothing else is inlined. */
function bigintText(id: string): string {
  if (!/^[0-9]{1,19}$/.test(id)) throw new Error(`not an outbox id: ${JSON.stringify(id)}`);
  return id;
}

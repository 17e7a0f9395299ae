import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DatabasePool } from '../database/database-pool';
import { DatabaseQueryError } from '../database/database-query.error';
import { databaseWork } from '../database/database-work';
import { planStableParameter } from '../database/plan-stable-parameter';
import { queryRows } from '../database/query-rows';
import { SqlClient } from '../database/sql-client';

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

// One statement claims and reads a batch. The heads: the earliest unsent row of each aggregate
// whose retry time has come, locked; rows another relay holds are skipped, and a row with an
// earlier unsent row of its aggregate is never a head, so a head is only taken once everything
// before it in its aggregate was confirmed. Then each head and the unsent rows after it in its
// aggregate, the batch shared evenly between the heads. Those rows need no lock of their own: no
// other relay can take them as heads while the locked head is unsent, and they are marked sent in
// the same commit as the head. Reading them in the claim's statement (its snapshot predates the
// locks) only leaves out rows committed meanwhile, which the next pass takes.
const CLAIM_BATCH = `
  WITH heads AS MATERIALIZED (
    SELECT o.id, o.aggregate_key
    FROM outbox o
    WHERE o.sent_at IS NULL
      AND o.destination = 'events'
      AND o.next_attempt_at <= now()
      AND NOT EXISTS (
        SELECT 1 FROM outbox earlier
        WHERE earlier.aggregate_key = o.aggregate_key AND earlier.sent_at IS NULL AND earlier.id < o.id
          AND earlier.destination = 'events'
      )
    ORDER BY o.id
    LIMIT $1
    FOR UPDATE OF o SKIP LOCKED
  ), share AS (
    SELECT GREATEST(1, ceil($1::numeric / count(*)))::int AS per_aggregate FROM heads HAVING count(*) > 0
  )
  SELECT r.id, r.event_id, r.event_type, r.event_version, r.aggregate_key, r.data::text AS data_json,
         r.occurred_at, r.attempts
  FROM heads CROSS JOIN share
  CROSS JOIN LATERAL (
    SELECT o.* FROM outbox o
    WHERE o.aggregate_key = heads.aggregate_key AND o.sent_at IS NULL AND o.id >= heads.id
      AND o.destination = 'events'
    ORDER BY o.id
    LIMIT share.per_aggregate
  ) r
  ORDER BY r.id`;

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
    if (!Number.isSafeInteger(headLimit) || headLimit < 1) throw new Error(`invalid head limit ${headLimit}`);
    const held = await this.database.connect();
    const client = held.client;
    let open = true;
    let sessionUnknown = false;
    try {
      // Simple-protocol queries carry several statements per round trip, so the batch takes two
      // (begin and claim; mark and commit) instead of five. Their values are inlined, so only
      // integers checked here ever are. Losing this transaction's commit in a Postgres crash only
      // sends its events again (delivery is at least once), so it does not wait for the WAL flush.
      // The claim and the mark are prepared statements of the connection (SQL PREPARE, sent with
      // the first batch it serves), so Postgres plans them once per connection instead of once per
      // batch: about 0.7 ms of its CPU a batch. Whether a PREPARE sent in a round trip that failed
      // took effect is unknown, so that connection is closed rather than lent again.
      const statements = relayStatements(headLimit);
      const prepare = statements
        .filter((statement) => !isPrepared(client, statement.name))
        .map((statement) => `PREPARE ${statement.name}${statement.parameters} AS ${statement.sql}; `);
      sessionUnknown = prepare.length > 0;
      const results = await simpleQuery(
        client,
        `${prepare.join('')}BEGIN; SET LOCAL synchronous_commit = off; EXECUTE ${statements[0].name}`,
        { statements: prepare.length + 3, transaction: true },
      );
      for (const statement of statements) rememberPrepared(client, statement.name);
      sessionUnknown = false;
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
          `EXECUTE ${statements[1].name}('{${result.sentIds.map(bigintText).join(',')}}'); COMMIT`,
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
    } finally {
      held.release(sessionUnknown);
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

// Marks a batch sent, one generic plan whatever the batch's size (planStableParameter).
const MARK_SENT = `UPDATE outbox SET sent_at = now() WHERE id = ANY(${planStableParameter('$1', 'bigint[]')})`;

/** The relay's prepared statements: the claim (its head limit inlined, no parameters), the mark. */
function relayStatements(headLimit: number): Array<{ name: string; parameters: string; sql: string }> {
  return [
    {
      name: `cp_outbox_claim_${headLimit}`,
      parameters: '',
      sql: CLAIM_BATCH.replaceAll('$1', String(headLimit)),
    },
    { name: 'cp_outbox_mark_sent', parameters: '(bigint[])', sql: MARK_SENT },
  ];
}

// The statements prepared on each pooled connection of this process, by name.
const preparedStatements = new WeakMap<PoolClient, Set<string>>();

function isPrepared(client: PoolClient, name: string): boolean {
  return preparedStatements.get(client)?.has(name) === true;
}

function rememberPrepared(client: PoolClient, name: string): void {
  const names = preparedStatements.get(client) ?? new Set<string>();
  names.add(name);
  preparedStatements.set(client, names);
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

import { Injectable } from '@nestjs/common';
import type { AllocationEndReason, AllocationResponse } from '@cloudphone/contracts';
import {
  type NewOutboxRow,
  outboxEventsParameters,
  outboxPreparedEventsSql,
  SqlClient,
} from '@cloudphone/shared';
import { ENDED_WITH_REPORTS, endingOutboxSql } from './allocation-ending-sql';
import type { AllocationRecord, EndedAllocation } from './allocation-record';
import { HAND_BACK_ENDED_DEVICES, isoText, recordedTime, releaseSet } from './allocation-sql';
import { ALLOCATIONS, runEndStatement } from './allocations.repository';

// The two transitions every allocate+release pair makes (pending → active, active → released) as
// set statements: concurrent requests of one replica share one statement (a SharedStatement in
// the use cases), and one request alone is the same statement with one item. Each item is applied
// exactly as it would be alone; the rows are locked in id order first, so two batches that share
// rows cannot deadlock on them, and a duplicate item counts once (its first occurrence).

/** A pending claim to activate from `at` (null: the database's clock), with its stored answer. */
export interface Activation {
  claim: AllocationRecord;
  at: Date | null;
  response: AllocationResponse;
  /** `device.allocated` (EventPublisher.prepare), written by the same statement when it activates. */
  event?: NewOutboxRow;
}

/** An active allocation to end now (or at `at`), if its fencing token and owner still match. */
export interface AllocationEnd {
  id: string;
  reason: AllocationEndReason;
  at: Date | null;
  fencingToken?: string;
  ownerId?: string;
}

const ACTIVATE_ALL = `WITH items AS (
    SELECT DISTINCT ON (i.id) i.id, ${recordedTime('i.at')} AS at, make_interval(mins => i.minutes) AS length,
      i.response, i.event_id, i.event_type, i.event_version, i.aggregate_key, i.data
    FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::jsonb[], $5::uuid[], $6::text[], $7::int[],
      $8::text[], $9::jsonb[]) WITH ORDINALITY
      AS i (id, at, minutes, response, event_id, event_type, event_version, aggregate_key, data, position)
    ORDER BY i.id, i.position
  ), locked AS (
    SELECT a.id FROM device_allocations a JOIN items i ON i.id = a.id
    WHERE a.status = 'pending' ORDER BY a.id FOR UPDATE OF a
  ), activated AS (
    UPDATE device_allocations a
    SET status = 'active', started_at = i.at, expires_at = i.at + i.length, updated_at = now(),
        response = i.response || jsonb_build_object(
          'startedAt', ${isoText('i.at')}, 'expiresAt', ${isoText('i.at + i.length')})
    FROM items i, locked l
    WHERE a.id = i.id AND l.id = a.id AND a.status = 'pending'
    RETURNING ${ALLOCATIONS.select('a')}
  ), announced AS (${outboxPreparedEventsSql(
    'activated JOIN items i ON i.id = activated.id',
    `jsonb_build_object('startedAt', ${isoText('activated."startedAt"')}, 'expiresAt', ${isoText('activated."expiresAt"')})`,
  )})
  SELECT * FROM activated`;

function activationParameters(items: readonly Activation[]): unknown[] {
  return [
    items.map((item) => item.claim.id),
    items.map((item) => item.at?.toISOString() ?? null),
    items.map((item) => item.claim.durationMinutes),
    items.map((item) => JSON.stringify(item.response)),
    ...outboxEventsParameters(items.map((item) => item.event)),
  ];
}

// Whether an item may end its row: still active, its claim (fencing token) and owner if named.
const ENDABLE = `a.status = 'active' AND (i.fencing_token IS NULL OR a.fencing_token = i.fencing_token)
      AND (i.owner_id IS NULL OR a.user_id = i.owner_id)`;

const END_ALL = `WITH items AS (
    SELECT DISTINCT ON (i.id) i.id, i.reason, i.at, i.fencing_token, i.owner_id
    FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::bigint[], $5::uuid[]) WITH ORDINALITY
      AS i (id, reason, at, fencing_token, owner_id, position)
    ORDER BY i.id, i.position
  ), locked AS (
    SELECT a.id FROM device_allocations a JOIN items i ON i.id = a.id
    WHERE ${ENDABLE} ORDER BY a.id FOR UPDATE OF a
  ), ended AS (
    UPDATE device_allocations a
    SET ${releaseSet('i.reason', 'i.at')}
    FROM items i, locked l
    WHERE a.id = i.id AND l.id = a.id AND ${ENDABLE}
    RETURNING ${ALLOCATIONS.select('a')}
  ), ${HAND_BACK_ENDED_DEVICES}, ${endingOutboxSql('$6')}
  ${ENDED_WITH_REPORTS}`;

/** END_ALL's parameters but the last (the outbox lease, which runEndStatement adds). */
function endParameters(items: readonly AllocationEnd[]): unknown[] {
  return [
    items.map((item) => item.id),
    items.map((item) => item.reason),
    items.map((item) => item.at?.toISOString() ?? null),
    items.map((item) => item.fencingToken ?? null),
    items.map((item) => item.ownerId ?? null),
  ];
}

/** Each item's row (by `idOf`), or null: a row goes to the first item naming it. */
function inItemOrder<T>(
  ids: readonly string[],
  rows: readonly T[],
  idOf: (row: T) => string,
): Array<T | null> {
  const byId = new Map(rows.map((row) => [idOf(row), row]));
  return ids.map((id) => {
    const row = byId.get(id) ?? null;
    byId.delete(id);
    return row;
  });
}

/**
 * The activation and end statements of allocations.repository.ts's rows, set-based (see the top of
 * this file).
 */
@Injectable()
export class AllocationTransitionsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Activates pending claims, each from its `at` (null: the database's clock), storing its answer
   * with the recorded times to replay; an item with an `event` writes it in the same statement. Each
   * item's row, or null (and no event) when it is no longer pending (failed by recovery).
   */
  async activateAll(items: readonly Activation[]): Promise<Array<AllocationRecord | null>> {
    const rows = await this.sql.rows<AllocationRecord>(ACTIVATE_ALL, activationParameters(items));
    return inItemOrder(
      items.map((item) => item.claim.id),
      rows,
      (row) => row.id,
    );
  }

  /**
   * Ends active allocations, each at its `at` (null: the database's clock; or at its expiry if that
   * came first), billed to the second, with its reports and event; an item with `fencingToken` ends
   * only that claim, with `ownerId` only that user's. Each item's ended allocation with its reports,
   * or null when it is not active (any more), or not theirs.
   */
  async endAll(items: readonly AllocationEnd[]): Promise<Array<EndedAllocation | null>> {
    const ended = await runEndStatement(this.sql, END_ALL, endParameters(items));
    return inItemOrder(
      items.map((item) => item.id),
      ended,
      (row) => row.allocation.id,
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { UserTier } from '@cloudphone/contracts';
import {
  findPage,
  type ListQuery,
  type Page,
  SqlClient,
  TableMap,
  violatedUniqueConstraint,
} from '@cloudphone/shared';
import type { QueueEntryRecord, QueuePlace } from './queue-entry-record';
import { IN_SERVICE_SQL } from '../../devices';
import { effectivePrioritySql } from './queue-priority';

const ENTRIES = new TableMap<QueueEntryRecord>('device_queue_entries', {
  id: 'id',
  userId: 'user_id',
  tenantId: 'tenant_id',
  status: 'status',
  tier: 'tier',
  basePriority: 'base_priority',
  durationMinutes: 'duration_minutes',
  requirements: 'requirements',
  enqueuedAt: 'enqueued_at',
  expiresAt: 'expires_at',
  servingSince: 'serving_since',
  allocationId: 'allocation_id',
  outcomeCode: 'outcome_code',
  position: 'position',
  endedAt: 'ended_at',
  idempotencyKey: 'idempotency_key',
  requestHash: 'request_hash',
  createdAt: 'created_at',
});

const LIVE = `status IN ('waiting', 'serving')`;

/** SQL of the priority queue. Every change of an entry is one statement conditional on its status. */
@Injectable()
export class QueueRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Adds a waiting entry; `key-taken` when the user's idempotency key is held already. */
  async join(entry: QueueEntryRecord): Promise<QueueEntryRecord | 'key-taken'> {
    try {
      return (await this.sql.one<QueueEntryRecord>(
        `INSERT INTO device_queue_entries (id, user_id, tenant_id, status, tier, base_priority, duration_minutes,
           requirements, enqueued_at, expires_at, idempotency_key, request_hash)
         VALUES ($1, $2, $3, 'waiting', $4, $5, $6, $7::jsonb, $8, $9, $10, $11)
         RETURNING ${ENTRIES.select()}`,
        [
          entry.id,
          entry.userId,
          entry.tenantId,
          entry.tier,
          entry.basePriority,
          entry.durationMinutes,
          JSON.stringify(entry.requirements),
          entry.enqueuedAt.toISOString(),
          entry.expiresAt.toISOString(),
          entry.idempotencyKey,
          entry.requestHash,
        ],
      ))!;
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'device_queue_entries_idempotency_key') return 'key-taken';
      throw error;
    }
  }

  findById(id: string): Promise<QueueEntryRecord | null> {
    return this.sql.one<QueueEntryRecord>(
      `SELECT ${ENTRIES.select()} FROM device_queue_entries WHERE id = $1`,
      [id],
    );
  }

  findByIdempotencyKey(userId: string, key: string): Promise<QueueEntryRecord | null> {
    return this.sql.one<QueueEntryRecord>(
      `SELECT ${ENTRIES.select()} FROM device_queue_entries WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    );
  }

  list(query: ListQuery, userId?: string): Promise<Page<QueueEntryRecord>> {
    return findPage(
      this.sql,
      ENTRIES,
      query,
      userId ? { where: 'user_id = $1', parameters: [userId] } : undefined,
    );
  }

  /** A live entry's place at `now` (1 = next), and the figures an estimate of its wait uses. */
  async place(id: string, now: Date, aging: number): Promise<QueuePlace | null> {
    return this.sql.one<QueuePlace>(
      `WITH ranked AS (
         SELECT id, row_number() OVER (ORDER BY ${effectivePrioritySql('$2', '$3')} DESC, seq) AS position
         FROM device_queue_entries WHERE ${LIVE}
       )
       SELECT r.position::integer AS position,
         COALESCE((SELECT avg(duration_minutes) FROM device_allocations WHERE status = 'active'), 30)::float AS "averageMinutes",
         (SELECT count(*) FROM devices d WHERE ${IN_SERVICE_SQL} AND d.health = 'healthy')::integer AS "rentableDevices"
       FROM ranked r WHERE r.id = $1`,
      [id, now.toISOString(), aging],
    );
  }

  /**
   * Takes up to `limit` waiting, unexpired entries, highest priority first, as `serving` for this
   * replica (SKIP LOCKED: replicas serving at once take different entries); answered in that order.
   */
  takeForServing(now: Date, aging: number, limit: number): Promise<QueueEntryRecord[]> {
    return this.sql.rows<QueueEntryRecord>(
      `WITH next AS (
         SELECT id, ${effectivePrioritySql('$1', '$2')} AS priority, seq FROM device_queue_entries
         WHERE status = 'waiting' AND expires_at > $1
         ORDER BY priority DESC, seq LIMIT $3
         FOR UPDATE SKIP LOCKED
       ), taken AS (
         UPDATE device_queue_entries e SET status = 'serving', serving_since = $1, updated_at = now()
         FROM next WHERE e.id = next.id AND e.status = 'waiting'
         RETURNING ${ENTRIES.select('e')}, next.priority, next.seq
       )
       SELECT * FROM taken ORDER BY priority DESC, seq`,
      [now.toISOString(), aging, limit],
    );
  }

  /** serving → waiting (nothing free for it now, or a dependency was down). */
  async release(id: string): Promise<void> {
    await this.sql.rows(
      `UPDATE device_queue_entries SET status = 'waiting', serving_since = NULL, updated_at = now()
       WHERE id = $1 AND status = 'serving'`,
      [id],
    );
  }

  /** Entries left `serving` by a replica that died before `before`: waiting again (their key replays). */
  async releaseStale(before: Date): Promise<number> {
    const rows = await this.sql.rows(
      `UPDATE device_queue_entries SET status = 'waiting', serving_since = NULL, updated_at = now()
       WHERE status = 'serving' AND serving_since < $1 RETURNING id`,
      [before.toISOString()],
    );
    return rows.length;
  }

  /** Ends a live entry: fulfilled (with its allocation), refused (with a code), expired or cancelled. */
  end(
    id: string,
    status: 'fulfilled' | 'refused' | 'expired' | 'cancelled',
    at: Date,
    detail: { allocationId?: string; code?: string } = {},
  ): Promise<QueueEntryRecord | null> {
    return this.sql.one<QueueEntryRecord>(
      `UPDATE device_queue_entries
       SET status = $2, ended_at = $3, serving_since = NULL, allocation_id = $4, outcome_code = $5, position = NULL,
           updated_at = now()
       WHERE id = $1 AND ${status === 'cancelled' ? `status = 'waiting'` : LIVE}
       RETURNING ${ENTRIES.select()}`,
      [id, status, at.toISOString(), detail.allocationId ?? null, detail.code ?? null],
    );
  }

  /** Waiting entries past their expiry, up to `limit` (SKIP LOCKED), ended as `expired`. */
  expireDue(now: Date, limit: number): Promise<QueueEntryRecord[]> {
    return this.sql.rows<QueueEntryRecord>(
      `WITH due AS (
         SELECT id FROM device_queue_entries WHERE status = 'waiting' AND expires_at <= $1
         ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       UPDATE device_queue_entries e SET status = 'expired', ended_at = e.expires_at, position = NULL, updated_at = now()
       FROM due WHERE e.id = due.id
       RETURNING ${ENTRIES.select('e')}`,
      [now.toISOString(), limit],
    );
  }

  /** Stores every live entry's place at `now`; answers how many wait. */
  async refreshPositions(now: Date, aging: number): Promise<number> {
    await this.sql.rows(
      `WITH ranked AS (
         SELECT id, row_number() OVER (ORDER BY ${effectivePrioritySql('$1', '$2')} DESC, seq) AS position
         FROM device_queue_entries WHERE ${LIVE}
       )
       UPDATE device_queue_entries e SET position = ranked.position
       FROM ranked WHERE e.id = ranked.id AND e.position IS DISTINCT FROM ranked.position
       RETURNING e.id`,
      [now.toISOString(), aging],
    );
    const [live] = await this.sql.rows<{ n: number }>(
      `SELECT count(*)::integer AS n FROM device_queue_entries WHERE ${LIVE}`,
    );
    return live.n;
  }

  /** A tier change: the user's live entries take the new tier's base priority. */
  async retier(userId: string, tier: UserTier, basePriority: number): Promise<number> {
    const rows = await this.sql.rows(
      `UPDATE device_queue_entries SET tier = $2, base_priority = $3, updated_at = now()
       WHERE user_id = $1 AND ${LIVE} RETURNING id`,
      [userId, tier, basePriority],
    );
    return rows.length;
  }

  /** The user's waiting entries, to cancel when they may hold nothing. */
  waitingOfUser(userId: string): Promise<QueueEntryRecord[]> {
    return this.sql.rows<QueueEntryRecord>(
      `SELECT ${ENTRIES.select()} FROM device_queue_entries WHERE user_id = $1 AND status = 'waiting'`,
      [userId],
    );
  }

  async stats(now: Date) {
    const [row] = await this.sql.rows<{
      waiting: number;
      byTier: Record<string, number> | null;
      oldest: Date | null;
      endedLastHour: Record<string, number> | null;
      averageWaitSeconds: number | null;
    }>(
      `SELECT
         (SELECT count(*)::integer FROM device_queue_entries WHERE ${LIVE}) AS waiting,
         (SELECT jsonb_object_agg(tier, n) FROM (
            SELECT tier, count(*) AS n FROM device_queue_entries WHERE ${LIVE} GROUP BY tier) t) AS "byTier",
         (SELECT min(enqueued_at) FROM device_queue_entries WHERE ${LIVE}) AS oldest,
         (SELECT jsonb_object_agg(status, n) FROM (
            SELECT status, count(*) AS n FROM device_queue_entries
            WHERE ended_at > $1::timestamptz - interval '1 hour' AND status <> 'cancelled' GROUP BY status) s) AS "endedLastHour",
         (SELECT avg(EXTRACT(EPOCH FROM (ended_at - enqueued_at)))::float FROM device_queue_entries
            WHERE status = 'fulfilled' AND ended_at > $1::timestamptz - interval '1 hour') AS "averageWaitSeconds"`,
      [now.toISOString()],
    );
    return row;
  }
}

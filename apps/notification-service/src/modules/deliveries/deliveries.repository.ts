import { Injectable } from '@nestjs/common';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { DeliveryRecord, DeliveryRound, NewDelivery } from './delivery-record';

export const DELIVERIES = new TableMap<DeliveryRecord>('notification_deliveries', {
  id: 'id',
  userId: 'user_id',
  channel: 'channel',
  eventType: 'event_type',
  sourceKey: 'source_key',
  target: 'target',
  status: 'status',
  sensitive: 'sensitive',
  payload: 'payload',
  round: 'round',
  attempts: 'attempts',
  totalAttempts: 'total_attempts',
  lastError: 'last_error',
  nextRetryAt: 'next_retry_at',
  deliveredAt: 'delivered_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

/** The round's pending record, when it is still the one to send. */
const CURRENT_PENDING = `id = $1 AND round = $2 AND status = 'pending'`;
/** A settled sensitive record keeps no content (a token email's token). */
const SCRUB = `payload = CASE WHEN sensitive THEN '{}'::jsonb ELSE payload END`;

/**
 * SQL of delivery records. Every change of a record is conditional on its round and status, so a
 * late attempt of an earlier round, or two processes attempting one record, change nothing twice.
 */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Creates the deliveries that do not exist yet (per channel, fact and target); returns the new ones. */
  insertNew(deliveries: NewDelivery[]): Promise<DeliveryRound[]> {
    if (deliveries.length === 0) return Promise.resolve([]);
    return this.sql.rows<DeliveryRound>(
      `INSERT INTO notification_deliveries (id, user_id, channel, event_type, source_key, target, sensitive, payload)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::jsonb[])
       ON CONFLICT DO NOTHING
       RETURNING id, channel, round`,
      [
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.userId),
        deliveries.map((d) => d.channel),
        deliveries.map((d) => d.eventType),
        deliveries.map((d) => d.sourceKey),
        deliveries.map((d) => d.target),
        deliveries.map((d) => d.sensitive),
        deliveries.map((d) => JSON.stringify(d.payload)),
      ],
    );
  }

  /**
   * Takes the round's pending record for one attempt, for `leaseMs`; null when another process holds
   * it, or it settled or moved to a later round meanwhile (nothing to send).
   */
  claim(round: DeliveryRound, leaseMs: number): Promise<DeliveryRecord | null> {
    return this.sql.one<DeliveryRecord>(
      `UPDATE notification_deliveries SET lease_until = now() + make_interval(secs => $3::double precision / 1000)
       WHERE ${CURRENT_PENDING} AND (lease_until IS NULL OR lease_until < now())
       RETURNING ${DELIVERIES.select()}`,
      [round.id, round.round, leaseMs],
    );
  }

  /** Whether the round's record is settled or past (its outbox message has nothing left to do). */
  async isSettled(round: DeliveryRound): Promise<boolean> {
    const row = await this.sql.one<{ pending: boolean }>(
      `SELECT ${CURRENT_PENDING} AS pending FROM notification_deliveries WHERE id = $1`,
      [round.id, round.round],
    );
    return !row?.pending;
  }

  markDelivered(round: DeliveryRound): Promise<unknown> {
    return this.sql.rows(
      `UPDATE notification_deliveries SET status = 'delivered', delivered_at = now(), lease_until = NULL,
         attempts = attempts + 1, total_attempts = total_attempts + 1, last_error = NULL, updated_at = now(), ${SCRUB}
       WHERE ${CURRENT_PENDING} RETURNING id`,
      [round.id, round.round],
    );
  }

  /** One more failed attempt of the round; it stays pending for the outbox to try again. */
  markAttemptFailed(round: DeliveryRound, error: string): Promise<unknown> {
    return this.sql.rows(
      `UPDATE notification_deliveries SET lease_until = NULL, attempts = attempts + 1,
         total_attempts = total_attempts + 1, last_error = left($3, 2000), updated_at = now()
       WHERE ${CURRENT_PENDING} RETURNING id`,
      [round.id, round.round, error],
    );
  }

  /** The round failed: another round in `retryInMs` (retry-failed-deliveries). */
  markFailed(round: DeliveryRound, error: string, retryInMs: number): Promise<unknown> {
    return this.sql.rows(
      `UPDATE notification_deliveries SET status = 'failed', lease_until = NULL, attempts = attempts + 1,
         total_attempts = total_attempts + 1, last_error = left($3, 2000), updated_at = now(),
         next_retry_at = now() + make_interval(secs => $4::double precision / 1000)
       WHERE ${CURRENT_PENDING} RETURNING id`,
      [round.id, round.round, error, retryInMs],
    );
  }

  markDead(round: DeliveryRound, error: string): Promise<unknown> {
    return this.sql.rows(
      `UPDATE notification_deliveries SET status = 'dead', lease_until = NULL, attempts = attempts + 1,
         total_attempts = total_attempts + 1, last_error = left($3, 2000), updated_at = now(), ${SCRUB}
       WHERE ${CURRENT_PENDING} RETURNING id`,
      [round.id, round.round, error],
    );
  }

  /**
   * Starts the next round of failed deliveries due again (younger than `windowHours`), up to
   * `limit`, locked so a concurrent run takes others; returns the new rounds.
   */
  startDueRounds(windowHours: number, limit: number): Promise<DeliveryRound[]> {
    return this.sql.rows<DeliveryRound>(
      `WITH due AS (
         SELECT id FROM notification_deliveries
         WHERE status = 'failed' AND next_retry_at <= now()
           AND created_at > now() - make_interval(hours => $1::int)
         ORDER BY next_retry_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE notification_deliveries d SET status = 'pending', round = d.round + 1, attempts = 0,
         next_retry_at = NULL, lease_until = NULL, updated_at = now()
       FROM due WHERE d.id = due.id RETURNING d.id, d.channel, d.round`,
      [windowHours, limit],
    );
  }

  /** Failed deliveries older than the retry window become dead; returns how many. */
  async expireFailed(windowHours: number): Promise<number> {
    const rows = await this.sql.rows(
      `UPDATE notification_deliveries SET status = 'dead', next_retry_at = NULL, updated_at = now(), ${SCRUB}
       WHERE status = 'failed' AND created_at <= now() - make_interval(hours => $1::int) RETURNING id`,
      [windowHours],
    );
    return rows.length;
  }

  /**
   * An admin's replay: a new round of any settled delivery (or a pending one whose lease lapsed),
   * with the same delivery id; null when there is no such delivery or it has no content left.
   */
  startReplay(id: string): Promise<DeliveryRound | null> {
    return this.sql.one<DeliveryRound>(
      `UPDATE notification_deliveries SET status = 'pending', round = round + 1, attempts = 0,
         next_retry_at = NULL, lease_until = NULL, delivered_at = NULL, updated_at = now()
       WHERE id = $1 AND payload <> '{}'::jsonb RETURNING id, channel, round`,
      [id],
    );
  }

  findById(id: string): Promise<DeliveryRecord | null> {
    return this.sql.one<DeliveryRecord>(
      `SELECT ${DELIVERIES.select()} FROM notification_deliveries WHERE id = $1`,
      [id],
    );
  }

  list(query: ListQuery): Promise<Page<DeliveryRecord>> {
    return findPage(this.sql, DELIVERIES, query);
  }

  /** Deletes up to `limit` delivered or dead records settled more than `days` ago; returns how many. */
  async deleteSettled(days: number, limit: number): Promise<number> {
    const rows = await this.sql.rows(
      `DELETE FROM notification_deliveries WHERE id IN (
         SELECT id FROM notification_deliveries
         WHERE status IN ('delivered', 'dead') AND updated_at < now() - make_interval(days => $1::int)
         LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [days, limit],
    );
    return rows.length;
  }
}

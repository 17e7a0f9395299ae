import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';
import type { AllocationRecord } from '../allocation-record';
import { ALLOCATIONS } from '../allocations.repository';
import type { ReservationRecord } from './reservation-record';
import { RESERVATIONS } from './reservations.repository';

// Activation: due bookings whose device is available (held by nobody, wiped after its last renter) (an allocation ending at the
// slot's start is expired by the same job first). The slot row itself becomes the `active`
// allocation, holding the device with a new fencing token; it starts at the slot's start, or now
// if the activation came late, and ends at the slot's end. The row is `reserved` exactly once, so
// a reservation becomes an allocation exactly once, whatever replicas race (SKIP LOCKED spreads
// them) or die (nothing happens unless the statement commits).
const ACTIVATE_DUE = `WITH due AS (
    SELECT r.id, d.id AS device_id FROM device_reservations r
    JOIN device_allocations a ON a.id = r.id AND a.status = 'reserved'
    JOIN devices d ON d.id = a.device_id
    WHERE r.status = 'confirmed' AND r.start_at <= $1 AND r.end_at > $1
      AND d.held_by IS NULL AND d.status = 'available' AND d.health = 'healthy'
    ORDER BY r.start_at LIMIT $2
    FOR UPDATE OF r, d SKIP LOCKED
  ), held AS (
    UPDATE devices d SET claim_sequence = d.claim_sequence + 1, held_by = due.id, status = 'allocated',
      updated_at = now()
    FROM due WHERE d.id = due.device_id
    RETURNING d.claim_sequence, d.held_by, d.wipe_count
  ), activated AS (
    UPDATE device_allocations a
    SET status = 'active', fencing_token = h.claim_sequence, device_wipe = h.wipe_count, started_at = GREATEST(a.started_at, $1::timestamptz),
        updated_at = now()
    FROM held h WHERE a.id = h.held_by AND a.status = 'reserved'
    RETURNING ${ALLOCATIONS.select('a')}
  ), marked AS (
    UPDATE device_reservations r SET status = 'active', activated_at = $1, updated_at = now()
    FROM activated WHERE r.id = activated.id
  )
  SELECT * FROM activated`;

/** SQL of the reservation jobs: activation, reminders, no-shows and abandoned bookings. */
@Injectable()
export class ReservationJobsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Activates up to `limit` due reservations; answers the allocations they became (same ids). */
  activateDue(now: Date, limit: number): Promise<AllocationRecord[]> {
    return this.sql.rows<AllocationRecord>(ACTIVATE_DUE, [now.toISOString(), limit]);
  }

  /** Marks up to `limit` confirmed reservations starting within `minutes` of `now` as reminded. */
  remindDue(now: Date, minutes: number, limit: number): Promise<ReservationRecord[]> {
    return this.sql.rows<ReservationRecord>(
      `WITH due AS (
         SELECT id FROM device_reservations
         WHERE status = 'confirmed' AND reminded_at IS NULL AND start_at > $1
           AND start_at <= $1::timestamptz + make_interval(mins => $2)
         ORDER BY start_at LIMIT $3
         FOR UPDATE SKIP LOCKED
       ), marked AS (
         UPDATE device_reservations r SET reminded_at = $1, updated_at = now() FROM due WHERE r.id = due.id
         RETURNING r.id
       )
       SELECT ${RESERVATIONS.select('v')} FROM device_reservation_states v JOIN marked m ON m.id = v.id`,
      [now.toISOString(), minutes, limit],
    );
  }

  /** Confirmed reservations still not activated `graceMinutes` after their start (no-shows), up to `limit`. */
  overdue(now: Date, graceMinutes: number, limit: number): Promise<ReservationRecord[]> {
    return this.sql.rows<ReservationRecord>(
      `SELECT ${RESERVATIONS.select()} FROM device_reservation_states
       WHERE status = 'confirmed' AND start_at <= $1::timestamptz - make_interval(mins => $2)
       ORDER BY start_at LIMIT $3`,
      [now.toISOString(), graceMinutes, limit],
    );
  }

  /** Bookings left `pending` longer than `timeoutMs` by requests that died, up to `limit`. */
  abandoned(timeoutMs: number, limit: number): Promise<ReservationRecord[]> {
    return this.sql.rows<ReservationRecord>(
      `SELECT ${RESERVATIONS.select()} FROM device_reservation_states
       WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1::double precision / 1000)
       ORDER BY created_at LIMIT $2`,
      [timeoutMs, limit],
    );
  }
}

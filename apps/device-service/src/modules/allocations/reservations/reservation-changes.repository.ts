import { Injectable } from '@nestjs/common';
import { SqlClient, violatedUniqueConstraint } from '@cloudphone/shared';
import { IN_SERVICE_SQL } from '../../devices';
import { SLOT_CONSTRAINTS, slotFree } from './reservation-sql';

/** How a reservation and its slot row end together (statuses of migration 0007). */
interface Ending {
  reservationStatus: 'cancelled' | 'refused' | 'missed';
  fromStatus: 'pending' | 'confirmed';
}

// Ends a booking and its slot in one statement: the booking's new status and the slot row
// `cancelled` (it was never a rental; nothing is billed for it), from the status given only.
const END_BOOKING = `WITH r AS (
    UPDATE device_reservations
    SET status = $2, failure_code = $4, cancelled_at = CASE WHEN $2 = 'cancelled' THEN $5::timestamptz END,
        cancel_reason = $6, cancellation_fee_seconds = $7, updated_at = now(),
        -- A refused booking lets go of its key, so the same request may be sent again.
        idempotency_key = CASE WHEN $2 = 'refused' THEN NULL ELSE idempotency_key END
    WHERE id = $1 AND status = $3
    RETURNING id
  ), slot AS (
    UPDATE device_allocations a SET status = 'cancelled', ended_at = $5, updated_at = now()
    FROM r WHERE a.id = r.id AND a.status = 'reserved'
    RETURNING a.id
  )
  SELECT r.id FROM r`;

// Move or resize a confirmed booking's slot to [$2, $3): on its device if that is free then, else
// (a spec booking only) on another device of exactly the same spec, so the quota it holds still
// fits. The new device's claim counter gives the slot a fencing token of its own there.
const MOVE = `WITH r AS (
    SELECT id, device_id, requested_device_id FROM device_reservations
    WHERE id = $1 AND status = 'confirmed'
    FOR UPDATE
  ), current_device AS (
    SELECT d.* FROM devices d JOIN r ON d.id = r.device_id
  ), candidate AS (
    SELECT d.id FROM devices d, r, current_device c
    WHERE (d.id = r.device_id OR (r.requested_device_id IS NULL AND ${IN_SERVICE_SQL} AND d.health = 'healthy'
        AND d.cpu_cores = c.cpu_cores AND d.memory_mb = c.memory_mb AND d.storage_gb = c.storage_gb
        AND d.region = c.region AND d.android_version = c.android_version))
      AND ${slotFree('$2', '$3', '$1')}
    ORDER BY (d.id = r.device_id) DESC, d.id
    LIMIT 1
    FOR UPDATE OF d
  ), bumped AS (
    UPDATE devices d SET claim_sequence = d.claim_sequence + 1, updated_at = now()
    FROM candidate c, r WHERE d.id = c.id AND c.id <> r.device_id
    RETURNING d.claim_sequence
  ), s AS (
    UPDATE device_allocations a
    SET device_id = c.id, fencing_token = COALESCE((SELECT claim_sequence FROM bumped), a.fencing_token),
        started_at = $2, expires_at = $3,
        duration_minutes = CEIL(EXTRACT(EPOCH FROM ($3::timestamptz - $2::timestamptz)) / 60)::integer,
        updated_at = now()
    FROM candidate c WHERE a.id = $1 AND a.status = 'reserved'
    RETURNING a.id, a.device_id
  )
  UPDATE device_reservations b SET device_id = s.device_id, start_at = $2, end_at = $3, reminded_at = NULL,
    updated_at = now()
  FROM s WHERE b.id = s.id
  RETURNING b.id`;

export type MoveOutcome = 'moved' | 'no-device' | 'not-confirmed' | 'lost-race';

/** SQL of changes to a booking: confirm, refuse, cancel, move. Each is one conditional statement. */
@Injectable()
export class ReservationChangesRepository {
  constructor(private readonly sql: SqlClient) {}

  /** pending → confirmed (quota and balance said yes); false when it is no longer pending. */
  async confirm(id: string): Promise<boolean> {
    const rows = await this.sql.rows(
      `UPDATE device_reservations SET status = 'confirmed', updated_at = now()
       WHERE id = $1 AND status = 'pending' RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }

  /** pending → refused, its slot freed; false when it is no longer pending. */
  refuse(id: string, failureCode: string, at: Date): Promise<boolean> {
    return this.end(id, { reservationStatus: 'refused', fromStatus: 'pending' }, at, { failureCode });
  }

  /** confirmed → cancelled, its slot freed; false when it is not confirmed (any more). */
  cancel(id: string, at: Date, reason: string | null, feeSeconds: number): Promise<boolean> {
    return this.end(id, { reservationStatus: 'cancelled', fromStatus: 'confirmed' }, at, {
      reason,
      feeSeconds,
    });
  }

  async move(id: string, startAt: Date, endAt: Date): Promise<MoveOutcome> {
    try {
      const rows = await this.sql.rows(MOVE, [id, startAt.toISOString(), endAt.toISOString()]);
      if (rows.length === 1) return 'moved';
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint === SLOT_CONSTRAINTS.noOverlap || constraint === SLOT_CONSTRAINTS.fencing)
        return 'lost-race';
      throw error;
    }
    const [state] = await this.sql.rows<{ status: string }>(
      `SELECT status FROM device_reservations WHERE id = $1`,
      [id],
    );
    return state?.status === 'confirmed' ? 'no-device' : 'not-confirmed';
  }

  /** Ends a booking in `ending.fromStatus` (and its slot); false when it was not in that status. */
  async end(
    id: string,
    ending: Ending,
    at: Date,
    details: { failureCode?: string; reason?: string | null; feeSeconds?: number },
  ): Promise<boolean> {
    const rows = await this.sql.rows(END_BOOKING, [
      id,
      ending.reservationStatus,
      ending.fromStatus,
      details.failureCode ?? null,
      at.toISOString(),
      details.reason ?? null,
      details.feeSeconds ?? null,
    ]);
    return rows.length === 1;
  }
}

import { Injectable } from '@nestjs/common';
import {
  findPage,
  type ListQuery,
  type Page,
  SqlClient,
  TableMap,
  violatedUniqueConstraint,
} from '@cloudphone/shared';
import type { BookingOutcome, ReservationRecord, SlotDevice, SlotRequest } from './reservation-record';
import { qualifyingDevice, SLOT_CONSTRAINTS, slotFree } from './reservation-sql';

/** Reservations as read: from the view that shows an ended one's `active` as `completed` (migration 0007). */
export const RESERVATIONS = new TableMap<ReservationRecord>('device_reservation_states', {
  id: 'id',
  userId: 'user_id',
  tenantId: 'tenant_id',
  status: 'state',
  deviceId: 'device_id',
  requestedDeviceId: 'requested_device_id',
  requirements: 'requirements',
  startAt: 'start_at',
  endAt: 'end_at',
  note: 'note',
  failureCode: 'failure_code',
  remindedAt: 'reminded_at',
  activatedAt: 'activated_at',
  cancelledAt: 'cancelled_at',
  cancelReason: 'cancel_reason',
  cancellationFeeSeconds: 'cancellation_fee_seconds',
  idempotencyKey: 'idempotency_key',
  requestHash: 'request_hash',
  createdAt: 'created_at',
});

// The columns a statement returns about the device a slot landed on.
const SLOT_DEVICE = `s.device_id AS "deviceId", s.region, s.android_version AS "androidVersion",
  s.cpu_cores AS "cpuCores", s.memory_mb AS "memoryMb", s.storage_gb AS "storageGb"`;

// Qualifying devices free for the slot [$1, $2) with spec $3–$7, as of the statement's snapshot and
// without locking anything: what a booking could have, what the conflict check counts.
const FREE_FOR_SLOT = `${qualifyingDevice({ cpu: '$3', memory: '$4', storage: '$5', region: '$6', android: '$7' })}
  AND ${slotFree('$1', '$2')}`;
const ANY_FREE = `SELECT EXISTS (SELECT 1 FROM devices d WHERE ${FREE_FOR_SLOT}) AS free`;

// Book: the first qualifying device free for the whole slot (smallest adequate spec first), its
// claim counter bumped for the slot's fencing token, the `reserved` slot row and the `pending`
// booking, in one statement. $11 names one device; a spec booking skips devices other transactions
// have locked (a concurrent booking or claim, a job writing the device row), a named one waits for
// them (SKIP LOCKED would read as "taken"). The exclusion constraint decides every race.
const book = (lock: string) => `WITH candidate AS (
    SELECT d.id FROM devices d
    WHERE ($11::uuid IS NULL OR d.id = $11)
      AND ${qualifyingDevice({ cpu: '$6', memory: '$7', storage: '$8', region: '$9', android: '$10' })}
      AND ${slotFree('$4', '$5')}
    ORDER BY d.cpu_cores, d.memory_mb, d.storage_gb, d.id
    LIMIT 1
    ${lock}
  ), claimed AS (
    UPDATE devices d SET claim_sequence = d.claim_sequence + 1, updated_at = now()
    FROM candidate c WHERE d.id = c.id
    RETURNING d.id, d.claim_sequence, d.region, d.android_version, d.cpu_cores, d.memory_mb, d.storage_gb
  ), s AS (
    INSERT INTO device_allocations (id, device_id, user_id, tenant_id, status, fencing_token, region,
      android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, started_at, expires_at)
    SELECT $1, c.id, $2, $3, 'reserved', c.claim_sequence, c.region, c.android_version, c.cpu_cores,
      c.memory_mb, c.storage_gb, CEIL(EXTRACT(EPOCH FROM ($5::timestamptz - $4::timestamptz)) / 60)::integer,
      $4, $5
    FROM claimed c
    RETURNING *
  ), booked AS (
    INSERT INTO device_reservations (id, user_id, tenant_id, status, device_id, requested_device_id,
      requirements, start_at, end_at, note, idempotency_key, request_hash)
    SELECT $1, $2, $3, 'pending', s.device_id, $11, $12::jsonb, $4, $5, $13, $14, $15 FROM s
    RETURNING id
  )
  SELECT booked.id, ${SLOT_DEVICE} FROM booked, s`;
const BOOK_ANY = book('FOR UPDATE OF d SKIP LOCKED');
const BOOK_NAMED = book('FOR UPDATE OF d');

/**
 * SQL of bookings: make, read and list them. Changes of a booking (confirm, refuse, move, cancel)
 * are in ReservationChangesRepository, the jobs' statements in ReservationJobsRepository.
 */
@Injectable()
export class ReservationsRepository {
  constructor(private readonly sql: SqlClient) {}

  async book(request: SlotRequest): Promise<BookingOutcome> {
    const spec = request.requirements;
    let row: ({ id: string } & SlotDevice) | null;
    try {
      row = await this.sql.one<{ id: string } & SlotDevice>(request.deviceId ? BOOK_NAMED : BOOK_ANY, [
        request.id,
        request.userId,
        request.tenantId,
        request.startAt.toISOString(),
        request.endAt.toISOString(),
        spec.cpuCores ?? 1,
        spec.memoryMb ?? 0,
        spec.storageGb ?? 0,
        spec.region ?? null,
        spec.androidVersion ?? null,
        request.deviceId,
        JSON.stringify(spec),
        request.note,
        request.idempotencyKey,
        request.requestHash,
      ]);
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint === SLOT_CONSTRAINTS.idempotencyKey) return { kind: 'key-taken' };
      if (constraint === SLOT_CONSTRAINTS.noOverlap || constraint === SLOT_CONSTRAINTS.fencing) {
        return { kind: 'lost-race' };
      }
      throw error;
    }
    if (!row) {
      // SKIP LOCKED passes over rows anything else holds locked, so "no row" may only mean every
      // free qualifying device was locked for the moment: asked again without locking, a free one
      // means try again, none means nothing meets the request.
      if (!request.deviceId && (await this.anyFree(spec, request.startAt, request.endAt))) {
        return { kind: 'skipped' };
      }
      return { kind: 'none' };
    }
    const reservation = await this.findById(row.id);
    if (!reservation) throw new Error(`reservation ${row.id} vanished right after it was booked`);
    const { id: _id, ...device } = row;
    return { kind: 'booked', reservation, device };
  }

  /** Whether a qualifying device is free for [start, end) now (committed slots only; no lock taken). */
  private async anyFree(spec: SlotRequest['requirements'], start: Date, end: Date): Promise<boolean> {
    const row = await this.sql.one<{ free: boolean }>(ANY_FREE, slotParameters(spec, start, end));
    return row?.free === true;
  }

  findById(id: string): Promise<ReservationRecord | null> {
    return this.sql.one<ReservationRecord>(
      `SELECT ${RESERVATIONS.select()} FROM device_reservation_states WHERE id = $1`,
      [id],
    );
  }

  findByIdempotencyKey(userId: string, key: string): Promise<ReservationRecord | null> {
    return this.sql.one<ReservationRecord>(
      `SELECT ${RESERVATIONS.select()} FROM device_reservation_states WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    );
  }

  /** The device a reservation's slot is on, with its spec (from the slot row). */
  slotDevice(id: string): Promise<SlotDevice | null> {
    return this.sql.one<SlotDevice>(`SELECT ${SLOT_DEVICE} FROM device_allocations s WHERE s.id = $1`, [id]);
  }

  /** The user's confirmed reservations (not started yet), to cancel when they may hold none. */
  confirmedOfUser(userId: string): Promise<ReservationRecord[]> {
    return this.sql.rows<ReservationRecord>(
      `SELECT ${RESERVATIONS.select()} FROM device_reservation_states WHERE user_id = $1 AND status = 'confirmed'
       ORDER BY start_at`,
      [userId],
    );
  }

  /** A page of reservations; with `userId`, only that user's. */
  list(query: ListQuery, userId?: string): Promise<Page<ReservationRecord>> {
    return findPage(
      this.sql,
      RESERVATIONS,
      query,
      userId ? { where: 'user_id = $1', parameters: [userId] } : undefined,
    );
  }

  /** Counts per status, and what is booked ahead of `now` (one user's, or everyone's). */
  async summary(now: Date, userId?: string) {
    const [row] = await this.sql.rows<{
      byStatus: Record<string, number> | null;
      startingWithin24h: string;
      bookedMinutes: string | null;
      nextStartAt: Date | null;
    }>(
      `SELECT
         (SELECT jsonb_object_agg(state, n) FROM (
            SELECT state, count(*) AS n FROM device_reservation_states
            WHERE $2::uuid IS NULL OR user_id = $2 GROUP BY state) s) AS "byStatus",
         count(*) FILTER (WHERE start_at < $1::timestamptz + interval '24 hours') AS "startingWithin24h",
         SUM(CEIL(EXTRACT(EPOCH FROM (end_at - start_at)) / 60)) AS "bookedMinutes",
         MIN(start_at) AS "nextStartAt"
       FROM device_reservations
       WHERE status = 'confirmed' AND start_at >= $1 AND ($2::uuid IS NULL OR user_id = $2)`,
      [now.toISOString(), userId ?? null],
    );
    return {
      byStatus: row.byStatus ?? {},
      startingWithin24h: Number(row.startingWithin24h),
      bookedMinutes: Number(row.bookedMinutes ?? 0),
      nextStartAt: row.nextStartAt,
    };
  }

  /**
   * What overlaps [start, end) on the named device, or how many qualifying devices are free for
   * it: the booking statement's own tests, asked without holding anything.
   */
  async conflicts(
    deviceId: string | null,
    spec: SlotRequest['requirements'],
    start: Date,
    end: Date,
  ): Promise<{
    freeDevices: number;
    conflicts: Array<{ deviceId: string; kind: string; startsAt: Date; endsAt: Date }>;
  }> {
    const [free] = await this.sql.rows<{ count: string }>(
      `SELECT count(*) FROM devices d WHERE ($8::uuid IS NULL OR d.id = $8) AND ${FREE_FOR_SLOT}`,
      [...slotParameters(spec, start, end), deviceId],
    );
    const conflicts = deviceId
      ? await this.sql.rows<{ deviceId: string; kind: string; startsAt: Date; endsAt: Date }>(
          `SELECT a.device_id AS "deviceId", CASE WHEN a.status = 'reserved' THEN 'reservation' ELSE 'allocation' END AS kind,
                  lower(a.period) AS "startsAt", upper(a.period) AS "endsAt"
           FROM device_allocations a
           WHERE a.device_id = $1 AND a.ended_at IS NULL AND a.period && tstzrange($2::timestamptz, $3::timestamptz)
           ORDER BY lower(a.period)`,
          [deviceId, start.toISOString(), end.toISOString()],
        )
      : [];
    return { freeDevices: Number(free.count), conflicts };
  }
}

/** $1–$7 of FREE_FOR_SLOT. */
function slotParameters(spec: SlotRequest['requirements'], start: Date, end: Date): unknown[] {
  return [
    start.toISOString(),
    end.toISOString(),
    spec.cpuCores ?? 1,
    spec.memoryMb ?? 0,
    spec.storageGb ?? 0,
    spec.region ?? null,
    spec.androidVersion ?? null,
  ];
}

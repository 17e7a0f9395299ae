import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AllocationEndReason, AllocationResponse } from '@cloudphone/contracts';
import { findPage, type ListQuery, type Page, queryRows } from '@cloudphone/shared';
import type { EntityManager, Repository } from 'typeorm';
import {
  ALLOCATION_COLUMNS,
  type AllocationRecord,
  type AllocationRow,
  toAllocationRecord,
} from './allocation-record';
import { AllocationEntity } from './allocation.entity';

/** What a new claim asks for: the device filters and who it is for. */
export interface ClaimRequest {
  allocationId: string;
  userId: string;
  tenantId: string;
  durationMinutes: number;
  cpuCores: number;
  memoryMb: number;
  storageGb: number;
  region: string | null;
  androidVersion: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
}

const HOLDING = `('pending', 'active')`;

// Frees the devices of the allocations a statement just ended (CTE `ended`), in the same statement.
const FREE_ENDED_DEVICES = `freed AS (
    UPDATE devices d SET held_by = NULL, updated_at = now()
    FROM ended e WHERE d.id = e.device_id AND d.held_by = e.id
    RETURNING d.id
  )`;

// A release with reason $2 at time $3 (or at the expiry if that came first), billed to the second.
const RELEASE_AT_PARAMETERS = `status = 'released', end_reason = $2, ended_at = LEAST($3::timestamptz, expires_at),
  billed_seconds = ${billedSecondsUntil('LEAST($3::timestamptz, expires_at)')}, updated_at = now()`;

/**
 * SQL of the allocation scheduler. Every state change is one conditional statement on the row's
 * current status, so racing requests, jobs and replicas cannot apply the same change twice; the
 * table's constraints (see migration 0003) are the last word on who holds a device.
 */
@Injectable()
export class AllocationsRepository {
  constructor(@InjectRepository(AllocationEntity) private readonly entities: Repository<AllocationEntity>) {}

  list(query: ListQuery, userId?: string): Promise<Page<AllocationEntity>> {
    const builder = this.entities.createQueryBuilder('allocation');
    if (userId) builder.where('allocation.userId = :ownerId', { ownerId: userId });
    return findPage(builder, query);
  }

  async findById(manager: EntityManager, id: string): Promise<AllocationRecord | null> {
    return this.one(manager, `SELECT ${ALLOCATION_COLUMNS} FROM device_allocations WHERE id = $1`, [id]);
  }

  async findByIdempotencyKey(
    manager: EntityManager,
    userId: string,
    key: string,
  ): Promise<AllocationRecord | null> {
    return this.one(
      manager,
      `SELECT ${ALLOCATION_COLUMNS} FROM device_allocations WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    );
  }

  /** The allocation holding the device now, else its most recent one (for a repeated release). */
  async findCurrentOfDevice(manager: EntityManager, deviceId: string): Promise<AllocationRecord | null> {
    return this.one(
      manager,
      `SELECT ${ALLOCATION_COLUMNS} FROM device_allocations
       WHERE device_id = $1 AND status <> 'failed'
       ORDER BY (status IN ${HOLDING}) DESC, created_at DESC
       LIMIT 1`,
      [deviceId],
    );
  }

  /**
   * Claims the first free device matching the request (smallest adequate spec first) as a
   * `pending` allocation, in one statement: the device row is locked with SKIP LOCKED so
   * concurrent claims spread over different devices instead of queueing. Null when no device is
   * free. A race the snapshot could not see ends in a unique violation, which the caller retries.
   */
  async claimDevice(manager: EntityManager, claim: ClaimRequest): Promise<AllocationRecord | null> {
    return this.one(
      manager,
      `WITH candidate AS (
         SELECT d.id FROM devices d
         WHERE d.status = 'available' AND d.health = 'healthy' AND d.held_by IS NULL
           AND d.cpu_cores >= $5 AND d.memory_mb >= $6 AND d.storage_gb >= $7
           AND ($8::text IS NULL OR d.region = $8) AND ($9::text IS NULL OR d.android_version = $9)
           -- No live claim (a holder, a future reservation) overlaps the requested time; the same
           -- test as the exclusion constraint, so its index answers it.
           AND NOT EXISTS (
             SELECT 1 FROM device_allocations a
             WHERE a.device_id = d.id AND a.ended_at IS NULL
               AND a.period && tstzrange(now(), now() + make_interval(mins => $4))
           )
         ORDER BY d.cpu_cores, d.memory_mb, d.storage_gb, d.id
         LIMIT 1
         FOR UPDATE OF d SKIP LOCKED
       ), claimed AS (
         UPDATE devices d SET claim_sequence = d.claim_sequence + 1, held_by = $1, updated_at = now()
         FROM candidate c WHERE d.id = c.id
         RETURNING d.id, d.claim_sequence, d.region, d.android_version, d.cpu_cores, d.memory_mb, d.storage_gb
       )
       INSERT INTO device_allocations (id, device_id, user_id, tenant_id, status, fencing_token, region,
         android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, started_at, expires_at,
         idempotency_key, request_hash)
       SELECT $1, c.id, $2, $3, 'pending', c.claim_sequence, c.region, c.android_version, c.cpu_cores,
         c.memory_mb, c.storage_gb, $4, date_trunc('milliseconds', now()),
         date_trunc('milliseconds', now()) + make_interval(mins => $4), $10, $11
       FROM claimed c
       RETURNING ${ALLOCATION_COLUMNS}`,
      [
        claim.allocationId,
        claim.userId,
        claim.tenantId,
        claim.durationMinutes,
        claim.cpuCores,
        claim.memoryMb,
        claim.storageGb,
        claim.region,
        claim.androidVersion,
        claim.idempotencyKey,
        claim.requestHash,
      ],
    );
  }

  /**
   * Turns a pending claim into an active allocation starting at `now`, storing the answer to replay
   * for its idempotency key. Null when it is no longer pending (failed by the recovery job).
   */
  async activate(
    manager: EntityManager,
    pending: AllocationRecord,
    now: Date,
    response: (startedAt: Date, expiresAt: Date) => AllocationResponse,
  ): Promise<AllocationRecord | null> {
    const expiresAt = new Date(now.getTime() + pending.durationMinutes * 60_000);
    return this.one(
      manager,
      `UPDATE device_allocations
       SET status = 'active', started_at = $2, expires_at = $3, response = $4, updated_at = now()
       WHERE id = $1 AND status = 'pending'
       RETURNING ${ALLOCATION_COLUMNS}`,
      [pending.id, now.toISOString(), expiresAt.toISOString(), JSON.stringify(response(now, expiresAt))],
    );
  }

  /**
   * Fails a pending claim: the device is free again and the idempotency key may be used anew. Null
   * when the claim is no longer pending (activated, or failed by the recovery job).
   */
  async failClaim(manager: EntityManager, id: string, failureCode: string): Promise<AllocationRecord | null> {
    return this.one(
      manager,
      `WITH ended AS (
         UPDATE device_allocations
         SET status = 'failed', failure_code = $2, ended_at = now(), idempotency_key = NULL, updated_at = now()
         WHERE id = $1 AND status = 'pending'
         RETURNING ${ALLOCATION_COLUMNS}
       ), ${FREE_ENDED_DEVICES}
       SELECT * FROM ended`,
      [id, failureCode],
    );
  }

  /**
   * Ends one active allocation at `now` (or at its expiry if that came first) and bills it to the
   * second. With `fencingToken`, only that claim is ended. Null when it is not active (any more).
   */
  async end(
    manager: EntityManager,
    id: string,
    reason: AllocationEndReason,
    now: Date,
    fencingToken?: string,
  ): Promise<AllocationRecord | null> {
    return this.one(
      manager,
      `WITH ended AS (
         UPDATE device_allocations
         SET ${RELEASE_AT_PARAMETERS}
         WHERE id = $1 AND status = 'active' AND ($4::bigint IS NULL OR fencing_token = $4)
         RETURNING ${ALLOCATION_COLUMNS}
       ), ${FREE_ENDED_DEVICES}
       SELECT * FROM ended`,
      [id, reason, now.toISOString(), fencingToken ?? null],
    );
  }

  /** Ends every active allocation of a user (account overdue, user deleted). */
  async endAllOfUser(
    manager: EntityManager,
    userId: string,
    reason: AllocationEndReason,
    now: Date,
  ): Promise<AllocationRecord[]> {
    return this.many(
      manager,
      `WITH ended AS (
         UPDATE device_allocations
         SET ${RELEASE_AT_PARAMETERS}
         WHERE user_id = $1 AND status = 'active'
         RETURNING ${ALLOCATION_COLUMNS}
       ), ${FREE_ENDED_DEVICES}
       SELECT * FROM ended`,
      [userId, reason, now.toISOString()],
    );
  }

  /**
   * Expires up to `limit` active allocations whose end is at or before `now`, billed up to their
   * scheduled end whenever this runs. Rows another runner has locked are skipped, not waited for.
   */
  async expireDue(manager: EntityManager, now: Date, limit: number): Promise<AllocationRecord[]> {
    return this.many(
      manager,
      `WITH due AS (
         SELECT id FROM device_allocations
         WHERE status = 'active' AND expires_at <= $1
         ORDER BY expires_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       ), ended AS (
         UPDATE device_allocations a
         SET status = 'expired', end_reason = 'expired', ended_at = a.expires_at,
             billed_seconds = ${billedSecondsUntil('a.expires_at')}, updated_at = now()
         FROM due WHERE a.id = due.id AND a.status = 'active'
         RETURNING ${prefixed('a')}
       ), ${FREE_ENDED_DEVICES}
       SELECT * FROM ended`,
      [now.toISOString(), limit],
    );
  }

  /** Marks up to `limit` active allocations ending within `warnBefore` of `now` as warned for their current end. */
  async markExpiring(
    manager: EntityManager,
    now: Date,
    warnBeforeMinutes: number,
    limit: number,
  ): Promise<AllocationRecord[]> {
    return this.many(
      manager,
      `WITH due AS (
         SELECT id FROM device_allocations
         WHERE status = 'active' AND expires_at > $1
           AND expires_at <= $1::timestamptz + make_interval(mins => $2)
           AND expiry_warned_for IS DISTINCT FROM expires_at
         ORDER BY expires_at LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       UPDATE device_allocations a SET expiry_warned_for = a.expires_at, updated_at = now()
       FROM due WHERE a.id = due.id
       RETURNING ${prefixed('a')}`,
      [now.toISOString(), warnBeforeMinutes, limit],
    );
  }

  /** Fails claims left pending longer than `timeoutMs` by requests that died; frees their devices. */
  async failStaleClaims(
    manager: EntityManager,
    timeoutMs: number,
    limit: number,
  ): Promise<AllocationRecord[]> {
    return this.many(
      manager,
      `WITH stale AS (
         SELECT id FROM device_allocations
         WHERE status = 'pending' AND claimed_at < now() - make_interval(secs => $1::double precision / 1000)
         ORDER BY claimed_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       ), ended AS (
         UPDATE device_allocations a
         SET status = 'failed', failure_code = 'CLAIM_ABANDONED', ended_at = now(), idempotency_key = NULL,
             updated_at = now()
         FROM stale WHERE a.id = stale.id AND a.status = 'pending'
         RETURNING ${prefixed('a')}
       ), ${FREE_ENDED_DEVICES}
       SELECT * FROM ended`,
      [timeoutMs, limit],
    );
  }

  /**
   * Stores what billing charged for an allocation (live or archived) and settles its billing report,
   * in one statement; false when the allocation is unknown here.
   */
  async recordCharge(
    manager: EntityManager,
    allocationId: string,
    amountMinor: string,
    currency: string,
  ): Promise<boolean> {
    const [row] = await queryRows<{ found: boolean }>(
      manager,
      `WITH live AS (
         UPDATE device_allocations SET charged_amount_minor = $2, charged_currency = $3
         WHERE id = $1 RETURNING id
       ), archived AS (
         UPDATE device_allocations_history SET charged_amount_minor = $2, charged_currency = $3
         WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM live) RETURNING id
       ), settled AS (
         UPDATE usage_reports SET outcome = 'delivered', settled_at = now()
         WHERE allocation_id = $1 AND kind = 'billing_usage' AND settled_at IS NULL RETURNING id
       )
       SELECT EXISTS (SELECT 1 FROM live) OR EXISTS (SELECT 1 FROM archived) AS found`,
      [allocationId, amountMinor, currency],
    );
    return row.found;
  }

  /** Moves up to `limit` allocations that ended more than `retentionDays` ago to the history table. */
  async archiveEnded(manager: EntityManager, retentionDays: number, limit: number): Promise<number> {
    const rows = await queryRows(
      manager,
      `WITH old AS (
         SELECT id FROM device_allocations
         WHERE ended_at < now() - make_interval(days => $1)
         ORDER BY ended_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       ), moved AS (
         DELETE FROM device_allocations a USING old WHERE a.id = old.id
         RETURNING a.*
       )
       INSERT INTO device_allocations_history (id, device_id, user_id, tenant_id, status, fencing_token,
         region, android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, claimed_at, started_at,
         expires_at, ended_at, end_reason, billed_seconds, failure_code, charged_amount_minor, charged_currency,
         created_at)
       SELECT id, device_id, user_id, tenant_id, status, fencing_token, region, android_version, cpu_cores,
         memory_mb, storage_gb, duration_minutes, claimed_at, started_at, expires_at, ended_at, end_reason,
         billed_seconds, failure_code, charged_amount_minor, charged_currency, created_at
       FROM moved
       RETURNING id`,
      [retentionDays, limit],
    );
    return rows.length;
  }

  private async one(
    manager: EntityManager,
    sql: string,
    parameters: unknown[],
  ): Promise<AllocationRecord | null> {
    const rows = await queryRows<AllocationRow>(manager, sql, parameters);
    return rows[0] ? toAllocationRecord(rows[0]) : null;
  }

  private async many(
    manager: EntityManager,
    sql: string,
    parameters: unknown[],
  ): Promise<AllocationRecord[]> {
    return (await queryRows<AllocationRow>(manager, sql, parameters)).map(toAllocationRecord);
  }
}

/** Whole seconds from started_at to `end`, rounded up (times are millisecond-precise). */
function billedSecondsUntil(end: string): string {
  return `GREATEST(0, CEIL(EXTRACT(EPOCH FROM (${end} - started_at))))::integer`;
}

/** ALLOCATION_COLUMNS qualified with a table alias, for UPDATE … FROM … RETURNING. */
function prefixed(alias: string): string {
  return ALLOCATION_COLUMNS.split(',')
    .map((column) => `${alias}.${column.trim()}`)
    .join(', ');
}

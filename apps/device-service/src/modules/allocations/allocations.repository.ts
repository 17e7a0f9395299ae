import { Injectable } from '@nestjs/common';
import type { AllocationEndReason } from '@cloudphone/contracts';
import {
  findPage,
  type ListQuery,
  OUTBOX_DELIVERY_LEASE_MS,
  type OutboxMessage,
  type Page,
  SqlClient,
  TableMap,
  violatedUniqueConstraint,
} from '@cloudphone/shared';
import type { ClaimOutcome, ClaimRequest } from './allocation-claim';
import type { AllocationRecord, EndedAllocation } from './allocation-record';
import { ENDED_WITH_REPORTS, endingOutboxSql } from './allocation-ending-sql';
import type { PlacementChoice } from './placement-choice';
import { claimTail, PLAIN_CANDIDATE, SCORED_CANDIDATE } from './placement-sql';
import {
  billedSecondsUntil,
  FREE_UNSTARTED_DEVICES,
  HAND_BACK_ENDED_DEVICES,
  HOLDING,
  releaseSet,
} from './allocation-sql';

// pg hands bigint columns (fencing_token, charged_amount_minor) over as decimal text, which is what
// the record keeps, and jsonb (response) parsed: no column needs a decoder.
export const ALLOCATIONS = new TableMap<AllocationRecord>('device_allocations', {
  id: 'id',
  deviceId: 'device_id',
  userId: 'user_id',
  tenantId: 'tenant_id',
  status: 'status',
  fencingToken: 'fencing_token',
  region: 'region',
  androidVersion: 'android_version',
  cpuCores: 'cpu_cores',
  memoryMb: 'memory_mb',
  storageGb: 'storage_gb',
  durationMinutes: 'duration_minutes',
  claimedAt: 'claimed_at',
  startedAt: 'started_at',
  expiresAt: 'expires_at',
  endedAt: 'ended_at',
  endReason: 'end_reason',
  billedSeconds: 'billed_seconds',
  failureCode: 'failure_code',
  idempotencyKey: 'idempotency_key',
  requestHash: 'request_hash',
  response: 'response',
  chargedAmountMinor: 'charged_amount_minor',
  chargedCurrency: 'charged_currency',
  extensionCount: 'extension_count',
  extendedMinutes: 'extended_minutes',
  lastExtendedAt: 'last_extended_at',
  createdAt: 'created_at',
});

// Rows that are rentals: a reservation's slot row (`reserved`, or `cancelled` if it never started)
// is a reservation until it becomes the `active` allocation (reservations/, migration 0007).
const RENTAL = `status NOT IN ('reserved', 'cancelled')`;

/** The unique index that holds one allocation per user and idempotency key (migration 0003). */
const IDEMPOTENCY_INDEX = 'device_allocations_idempotency_key';

// The claim, as placement chooses (placement-sql.ts): plainly, or by node scores.
const PLAIN_CLAIM = `WITH ${PLAIN_CANDIDATE}${claimTail(ALLOCATIONS.select())}`;
const SCORED_CLAIM = `WITH ${SCORED_CANDIDATE}${claimTail(ALLOCATIONS.select())}`;

/** The parameters of a claim statement (and of placement's explanation), $1–$14. */
export function claimParameters(claim: ClaimRequest, choice: PlacementChoice): unknown[] {
  return [
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
    claim.tolerations,
    ...(choice.scored ? [choice.policy, choice.affinityWeight] : []),
  ];
}

/**
 * Runs an end statement (allocation-ending-sql.ts's CTEs after `ended`, the lease as its last
 * parameter): the ended allocations, each with the reports the statement stored for it.
 */
export async function runEndStatement(
  sql: SqlClient,
  statement: string,
  parameters: unknown[],
): Promise<EndedAllocation[]> {
  const rows = await sql.rows<AllocationRecord & { endingReports: OutboxMessage[] }>(statement, [
    ...parameters,
    OUTBOX_DELIVERY_LEASE_MS,
  ]);
  return rows.map(({ endingReports, ...allocation }) => ({ allocation, reports: endingReports }));
}

/**
 * SQL of the allocation scheduler. Every state change is one conditional statement on the row's
 * current status, so racing requests, jobs and replicas cannot apply the same change twice; the
 * table's constraints (see migration 0003) are the last word on who holds a device.
 */
@Injectable()
export class AllocationsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** A page of allocations; with `userId`, only that user's. */
  list(query: ListQuery, userId?: string): Promise<Page<AllocationRecord>> {
    return findPage(
      this.sql,
      ALLOCATIONS,
      query,
      userId
        ? { where: `user_id = $1 AND ${RENTAL}`, parameters: [userId] }
        : { where: RENTAL, parameters: [] },
    );
  }

  /** The database's transaction time (statement time outside a transaction), to the millisecond. */
  async now(): Promise<Date> {
    const [row] = await this.sql.rows<{ now: Date }>(`SELECT date_trunc('milliseconds', now()) AS now`);
    return row.now;
  }

  async findById(id: string): Promise<AllocationRecord | null> {
    return this.sql.one<AllocationRecord>(
      `SELECT ${ALLOCATIONS.select()} FROM device_allocations WHERE id = $1 AND ${RENTAL}`,
      [id],
    );
  }

  async findByIdempotencyKey(userId: string, key: string): Promise<AllocationRecord | null> {
    return this.sql.one<AllocationRecord>(
      `SELECT ${ALLOCATIONS.select()} FROM device_allocations WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    );
  }

  /** The live (pending or active) allocations of these users, oldest first. */
  liveOfUsers(userIds: string[]): Promise<AllocationRecord[]> {
    return this.sql.rows<AllocationRecord>(
      `SELECT ${ALLOCATIONS.select()} FROM device_allocations
       WHERE user_id = ANY($1::uuid[]) AND status IN ${HOLDING}
       ORDER BY created_at, id`,
      [userIds],
    );
  }

  /** The allocation holding the device now, else its most recent one (for a repeated release). */
  async findCurrentOfDevice(deviceId: string): Promise<AllocationRecord | null> {
    return this.sql.one<AllocationRecord>(
      `SELECT ${ALLOCATIONS.select()} FROM device_allocations
       WHERE device_id = $1 AND status <> 'failed' AND ${RENTAL}
       ORDER BY (status IN ${HOLDING}) DESC, created_at DESC
       LIMIT 1`,
      [deviceId],
    );
  }

  /**
   * Claims a free device matching the request as a `pending` allocation, in one statement: the
   * first (smallest adequate spec first), or with `choice.scored` the best by placement's scores; the device row is locked with SKIP LOCKED so
   * concurrent claims spread over different devices instead of queueing. `none` when no device is
   * free. A race the snapshot could not see ends in a unique violation: `lost-race`, which the
   * caller retries, or `key-taken` when it is the request's idempotency key that is held already.
   * Any other error is thrown.
   */
  async claimDevice(claim: ClaimRequest, choice: PlacementChoice): Promise<ClaimOutcome> {
    let claimed: AllocationRecord | null;
    try {
      claimed = await this.sql.one<AllocationRecord>(
        choice.scored ? SCORED_CLAIM : PLAIN_CLAIM,
        claimParameters(claim, choice),
      );
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint === null) throw error;
      if (constraint === IDEMPOTENCY_INDEX && claim.idempotencyKey) return { kind: 'key-taken' };
      return { kind: 'lost-race', error };
    }
    return claimed ? { kind: 'claimed', claim: claimed } : { kind: 'none' };
  }

  /**
   * Fails a pending claim: the device is free again and the idempotency key may be used anew. Null
   * when the claim is no longer pending (activated, or failed by the recovery job).
   */
  async failClaim(id: string, failureCode: string): Promise<AllocationRecord | null> {
    return this.sql.one<AllocationRecord>(
      `WITH ended AS (
         UPDATE device_allocations
         SET status = 'failed', failure_code = $2, ended_at = now(), idempotency_key = NULL, updated_at = now()
         WHERE id = $1 AND status = 'pending'
         RETURNING ${ALLOCATIONS.select()}
       ), ${FREE_UNSTARTED_DEVICES}
       SELECT * FROM ended`,
      [id, failureCode],
    );
  }

  /** Ends every active allocation of a user (account overdue, user deleted) at `at`, as a release. */
  endAllOfUser(userId: string, reason: AllocationEndReason, at: Date | null): Promise<EndedAllocation[]> {
    return runEndStatement(
      this.sql,
      `WITH ended AS (
         UPDATE device_allocations
         SET ${releaseSet('$2', '$3')}
         WHERE user_id = $1 AND status = 'active'
         RETURNING ${ALLOCATIONS.select()}
       ), ${HAND_BACK_ENDED_DEVICES}, ${endingOutboxSql('$4')}
       ${ENDED_WITH_REPORTS}`,
      [userId, reason, at?.toISOString() ?? null],
    );
  }

  /**
   * Expires up to `limit` active allocations whose end is at or before `now`, billed up to their
   * scheduled end whenever this runs. Rows another runner has locked are skipped, not waited for.
   */
  expireDue(now: Date, limit: number): Promise<EndedAllocation[]> {
    return runEndStatement(
      this.sql,
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
         RETURNING ${ALLOCATIONS.select('a')}
       ), ${HAND_BACK_ENDED_DEVICES}, ${endingOutboxSql('$3')}
       ${ENDED_WITH_REPORTS}`,
      [now.toISOString(), limit],
    );
  }

  /** Marks up to `limit` active allocations ending within `warnBefore` of `now` as warned for their current end. */
  async markExpiring(now: Date, warnBeforeMinutes: number, limit: number): Promise<AllocationRecord[]> {
    return this.sql.rows<AllocationRecord>(
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
       RETURNING ${ALLOCATIONS.select('a')}`,
      [now.toISOString(), warnBeforeMinutes, limit],
    );
  }

  /** Fails claims left pending longer than `timeoutMs` by requests that died; frees their devices. */
  async failStaleClaims(timeoutMs: number, limit: number): Promise<AllocationRecord[]> {
    return this.sql.rows<AllocationRecord>(
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
         RETURNING ${ALLOCATIONS.select('a')}
       ), ${FREE_UNSTARTED_DEVICES}
       SELECT * FROM ended`,
      [timeoutMs, limit],
    );
  }
}

import { Injectable } from '@nestjs/common';
import {
  type NewOutboxRow,
  outboxEventInsertSql,
  outboxEventParameters,
  SqlClient,
  TableMap,
  violatedUniqueConstraint,
} from '@cloudphone/shared';
import type { ExtensionCommand, ExtensionOutcome, ExtensionRecord } from './allocation-extension';
import type { AllocationRecord } from './allocation-record';
import { ALLOCATIONS } from './allocations.repository';

const EXTENSIONS = new TableMap<ExtensionRecord>('allocation_extensions', {
  id: 'id',
  allocationId: 'allocation_id',
  userId: 'user_id',
  sequence: 'sequence',
  additionalMinutes: 'additional_minutes',
  reason: 'reason',
  previousExpiresAt: 'previous_expires_at',
  expiresAt: 'expires_at',
  actor: 'actor',
  idempotencyKey: 'idempotency_key',
  requestHash: 'request_hash',
  createdAt: 'created_at',
});

/** Constraints whose violation by an extend statement means something to the caller (migrations 0003, 0006). */
const NO_OVERLAP = 'device_allocations_no_overlap';
const EXTENSION_KEY = 'allocation_extensions_idempotency_key';

// Compare-and-set on what the policy check saw (status, end, count), the new end, the extension's
// row and its `allocation.extended` event, in one statement: all of it happens or none of it does,
// and device_allocations_no_overlap refuses an end that reaches into the device's next live claim.
const EXTEND = `WITH extended AS (
    UPDATE device_allocations
    SET expires_at = $4::timestamptz, duration_minutes = duration_minutes + $5,
        extension_count = extension_count + 1, extended_minutes = extended_minutes + $5,
        last_extended_at = $6::timestamptz, updated_at = now()
    WHERE id = $1 AND status = 'active' AND extension_count = $2 AND expires_at = $3::timestamptz
      AND expires_at > $6::timestamptz
    RETURNING ${ALLOCATIONS.select()}
  ), recorded AS (
    INSERT INTO allocation_extensions (id, allocation_id, user_id, sequence, additional_minutes, reason,
      previous_expires_at, expires_at, actor, idempotency_key, request_hash, created_at)
    SELECT $7, e.id, e."userId", e."extensionCount", $5, $8, $3, e."expiresAt", $9, $10, $11, $6
    FROM extended e
  ), announced AS (${outboxEventInsertSql(12, 'extended', `'{}'::jsonb`)})
  SELECT * FROM extended`;

/** SQL of allocation extensions: the extend statement, its idempotency look-up, and what limits it. */
@Injectable()
export class AllocationExtensionsRepository {
  constructor(private readonly sql: SqlClient) {}

  findByIdempotencyKey(userId: string, key: string): Promise<ExtensionRecord | null> {
    return this.sql.one<ExtensionRecord>(
      `SELECT ${EXTENSIONS.select()} FROM allocation_extensions WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    );
  }

  /**
   * The device's next live claim (a reservation) starting at or after `from`, other than the
   * allocation itself: how far that allocation can be extended. Answered by device_allocations_live_idx.
   */
  nextClaim(
    deviceId: string,
    allocationId: string,
    from: Date,
  ): Promise<{ id: string; startsAt: Date } | null> {
    return this.sql.one<{ id: string; startsAt: Date }>(
      `SELECT id, lower(period) AS "startsAt" FROM device_allocations
       WHERE device_id = $1 AND ended_at IS NULL AND id <> $2 AND lower(period) >= $3
       ORDER BY lower(period) LIMIT 1`,
      [deviceId, allocationId, from.toISOString()],
    );
  }

  /** Applies one extension with its event (prepared by the publisher), or says why it could not. */
  async extend(command: ExtensionCommand, event: NewOutboxRow): Promise<ExtensionOutcome> {
    const { extension } = command;
    let extended: AllocationRecord | null;
    try {
      extended = await this.sql.one<AllocationRecord>(EXTEND, [
        extension.allocationId,
        command.seenExtensionCount,
        extension.previousExpiresAt.toISOString(),
        extension.expiresAt.toISOString(),
        extension.additionalMinutes,
        extension.createdAt.toISOString(),
        extension.id,
        extension.reason,
        extension.actor,
        extension.idempotencyKey,
        extension.requestHash,
        ...outboxEventParameters(event),
      ]);
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint === NO_OVERLAP) return { kind: 'conflict' };
      if (constraint === EXTENSION_KEY) return { kind: 'key-taken' };
      throw error;
    }
    return extended ? { kind: 'extended', allocation: extended } : { kind: 'changed' };
  }
}

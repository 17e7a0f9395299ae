import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';
import type { AllocationRecord } from './allocation-record';
import { ALLOCATIONS } from './allocations.repository';

// Failover of allocation $1 off failed device $2, in one statement: the allocation row stays (same
// id, same start and end, so one continuous bill), and moves to the smallest healthy free device of
// its region and Android version that has at least its spec (the same spec when there is one) and no
// live claim before its end. The new device's claim counter, raised past the old token, gives it a
// greater fencing token (so a token of the old claim never passes for the new one) and its wipe count; the failed device lets go of it and stays failed. The exclusion
// constraint and the one-holder index have the last word against a racing claim.
const MOVE = `WITH current AS (
    SELECT id, fencing_token, expires_at, region, android_version, cpu_cores, memory_mb, storage_gb
    FROM device_allocations WHERE id = $1 AND device_id = $2 AND status = 'active'
    FOR UPDATE
  ), candidate AS (
    SELECT d.id FROM devices d, current c
    WHERE d.status = 'available' AND d.health = 'healthy' AND d.held_by IS NULL
      AND d.region = c.region AND d.android_version = c.android_version
      AND d.cpu_cores >= c.cpu_cores AND d.memory_mb >= c.memory_mb AND d.storage_gb >= c.storage_gb
      AND NOT EXISTS (
        SELECT 1 FROM device_allocations o
        WHERE o.device_id = d.id AND o.ended_at IS NULL AND o.period && tstzrange(now(), c.expires_at)
        OFFSET 0
      )
    ORDER BY d.cpu_cores, d.memory_mb, d.storage_gb, d.id
    LIMIT 1
    FOR UPDATE OF d SKIP LOCKED
  ), taken AS (
    UPDATE devices d SET claim_sequence = GREATEST(d.claim_sequence, cur.fencing_token) + 1, held_by = $1,
      status = 'allocated', updated_at = now()
    FROM candidate c, current cur WHERE d.id = c.id
    RETURNING d.id, d.claim_sequence, d.wipe_count
  ), moved AS (
    UPDATE device_allocations a SET device_id = t.id, fencing_token = t.claim_sequence, device_wipe = t.wipe_count,
      updated_at = now()
    FROM taken t, current c WHERE a.id = c.id
    RETURNING ${ALLOCATIONS.select('a')}
  ), released AS (
    UPDATE devices d SET held_by = NULL, updated_at = now()
    FROM moved WHERE d.id = $2 AND d.held_by = moved.id
  )
  SELECT * FROM moved`;

/** SQL of failover: moving an active allocation off a failed device. */
@Injectable()
export class AllocationFailoverRepository {
  constructor(private readonly sql: SqlClient) {}

  /** The allocation moved to its new device, or null (not active on that device, or nothing can take it). */
  move(allocationId: string, failedDeviceId: string): Promise<AllocationRecord | null> {
    return this.sql.one<AllocationRecord>(MOVE, [allocationId, failedDeviceId]);
  }
}

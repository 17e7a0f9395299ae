import { Injectable } from '@nestjs/common';
import { decodeColumn, SqlClient, TableMap } from '@cloudphone/shared';
import type { AllocationStart, RunningAllocation, SlicedUsage, UsageSlice } from './running-allocation';

const RUNNING_ALLOCATIONS = new TableMap<RunningAllocation>('running_allocations', {
  allocationId: 'allocation_id',
  userId: 'user_id',
  tenantId: 'tenant_id',
  deviceId: 'device_id',
  cpuCores: 'cpu_cores',
  memoryMb: 'memory_mb',
  storageGb: 'storage_gb',
  startedAt: 'started_at',
  expiresAt: 'expires_at',
  slicedSeconds: 'sliced_seconds',
  slicedMinor: { column: 'sliced_minor', decode: decodeColumn.bigint },
  usageId: 'usage_id',
});

// A meter the job may still slice: not closed by a usage report. The usage record is looked for
// too, as a report may be recorded between the list that named its allocation and the slice.
const OPEN = `r.usage_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.allocation_id = r.allocation_id)`;

/**
 * For a set statement that records usages: a data-modifying CTE body closing the meter of each
 * usage it really recorded (`recorded`, a CTE exposing `id` and `allocation_id`), as `close` does.
 * Allocations without a meter have nothing to close.
 */
export function runningMetersCloseSql(recorded: string): string {
  return `UPDATE running_allocations m SET usage_id = r.id, updated_at = now()
    FROM ${recorded} r WHERE m.allocation_id = r.allocation_id AND m.usage_id IS NULL`;
}

/** The meters of running allocations (`running_allocations`) and their slices (`usage_slices`). */
@Injectable()
export class RunningAllocationsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * The meters of allocations device-service listed as active: started if new, their expiry moved
   * to a later listed one (an extension; never back). One whose usage report was recorded first gets
   * no meter: nothing is left to slice. Rows go in allocation order, as a usage batch locks meters
   * (`lockSlicedAll`), so the two cannot deadlock.
   */
  async upsertListed(starts: readonly AllocationStart[]): Promise<void> {
    const column = (pick: (start: AllocationStart) => unknown) => starts.map(pick);
    await this.sql.rows(
      `INSERT INTO running_allocations AS r (allocation_id, user_id, tenant_id, device_id, cpu_cores, memory_mb,
         storage_gb, started_at, expires_at)
       SELECT DISTINCT ON (s.allocation_id) s.*
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::int[], $6::int[], $7::int[],
                   $8::timestamptz[], $9::timestamptz[])
         AS s (allocation_id, user_id, tenant_id, device_id, cpu_cores, memory_mb, storage_gb, started_at, expires_at)
       WHERE NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.allocation_id = s.allocation_id)
       ORDER BY s.allocation_id
       ON CONFLICT (allocation_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, updated_at = now()
         WHERE r.expires_at < EXCLUDED.expires_at`,
      [
        column((start) => start.allocationId),
        column((start) => start.userId),
        column((start) => start.tenantId),
        column((start) => start.deviceId),
        column((start) => start.cpuCores),
        column((start) => start.memoryMb),
        column((start) => start.storageGb),
        column((start) => start.startedAt.toISOString()),
        column((start) => start.expiresAt.toISOString()),
      ],
    );
  }

  /**
   * The open meters among `allocationIds` with at least `sliceSeconds` more run by `horizon` (and by
   * their expiry), in allocation order: the candidates of one job page, read without locks.
   */
  async findDueAmong(
    allocationIds: readonly string[],
    horizon: Date,
    sliceSeconds: number,
  ): Promise<RunningAllocation[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${RUNNING_ALLOCATIONS.select('r')} FROM running_allocations r
       WHERE r.allocation_id = ANY($1::uuid[]) AND ${OPEN}
         AND r.started_at + make_interval(secs => r.sliced_seconds + $3::int) <= LEAST($2::timestamptz, r.expires_at)
       ORDER BY r.allocation_id`,
      [allocationIds, horizon.toISOString(), sliceSeconds],
    );
    return RUNNING_ALLOCATIONS.decodeAll(rows);
  }

  async find(allocationId: string): Promise<RunningAllocation | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${RUNNING_ALLOCATIONS.select()} FROM running_allocations WHERE allocation_id = $1`,
      [allocationId],
    );
    return row ? RUNNING_ALLOCATIONS.decode(row) : null;
  }

  /** Locks the meter for the caller's transaction if it is still open (else null: nothing to slice). */
  async lockOpen(allocationId: string): Promise<RunningAllocation | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${RUNNING_ALLOCATIONS.select('r')} FROM running_allocations r
       WHERE r.allocation_id = $1 AND ${OPEN}
       FOR UPDATE OF r`,
      [allocationId],
    );
    return row ? RUNNING_ALLOCATIONS.decode(row) : null;
  }

  /**
   * Records a slice and moves the meter to its end, in one statement, only if the meter is open and
   * still stands at the slice's start; false (nothing written) otherwise. Two runs slicing from one
   * position: the unique (allocation_id, seconds_from) makes the later insert wait for the earlier
   * transaction and then do nothing, so each second is sliced at most once.
   */
  async insertSlice(slice: UsageSlice): Promise<boolean> {
    const rows = await this.sql.rows<{ allocation_id: string }>(
      `WITH slice AS (
         INSERT INTO usage_slices (id, allocation_id, account_id, kind, seconds_from, seconds_to, amount_minor,
           price_plan_id, currency)
         SELECT $1::uuid, r.allocation_id, $3::uuid, 'slice', r.sliced_seconds, $5::int, $6::bigint, $7::uuid,
           $8::char(3)
         FROM running_allocations r
         WHERE r.allocation_id = $2::uuid AND r.sliced_seconds = $4::int AND ${OPEN}
         ON CONFLICT (allocation_id, seconds_from) DO NOTHING
         RETURNING allocation_id, seconds_to, amount_minor
       )
       UPDATE running_allocations r
       SET sliced_seconds = s.seconds_to, sliced_minor = r.sliced_minor + s.amount_minor, updated_at = now()
       FROM slice s
       WHERE r.allocation_id = s.allocation_id
       RETURNING r.allocation_id`,
      sliceParameters(slice),
    );
    return rows.length > 0;
  }

  /**
   * What the slices charged the allocation so far (zeros if it has no meter), its meter locked for
   * the caller's transaction so no slice moves it until the usage report has closed it.
   */
  async lockSliced(allocationId: string): Promise<SlicedUsage> {
    const row = await this.sql.one<{ slicedSeconds: number; slicedMinor: string }>(
      `SELECT sliced_seconds AS "slicedSeconds", sliced_minor AS "slicedMinor" FROM running_allocations
       WHERE allocation_id = $1
       FOR UPDATE`,
      [allocationId],
    );
    return row
      ? { slicedSeconds: row.slicedSeconds, slicedMinor: BigInt(row.slicedMinor) }
      : { slicedSeconds: 0, slicedMinor: 0n };
  }

  /**
   * `lockSliced` for several allocations in one statement, meters locked in allocation id order
   * (after the accounts, as every report and slice takes them); allocations without a meter are
   * absent from the answer.
   */
  async lockSlicedAll(allocationIds: readonly string[]): Promise<Map<string, SlicedUsage>> {
    const rows = await this.sql.rows<{ allocationId: string; slicedSeconds: number; slicedMinor: string }>(
      `SELECT allocation_id AS "allocationId", sliced_seconds AS "slicedSeconds", sliced_minor AS "slicedMinor"
       FROM running_allocations WHERE allocation_id = ANY($1::uuid[])
       ORDER BY allocation_id
       FOR UPDATE`,
      [allocationIds],
    );
    return new Map(
      rows.map((row) => [
        row.allocationId,
        { slicedSeconds: row.slicedSeconds, slicedMinor: BigInt(row.slicedMinor) },
      ]),
    );
  }

  /** Closes the meter with the usage record that charged the rest (no meter: nothing to close). */
  async close(allocationId: string, usageId: string): Promise<void> {
    await this.sql.rows(
      `UPDATE running_allocations SET usage_id = $2, updated_at = now()
       WHERE allocation_id = $1 AND usage_id IS NULL`,
      [allocationId, usageId],
    );
  }

  /** Records the one refund of an allocation whose slices took more than its price (false if it has one). */
  async insertRefund(refund: UsageSlice): Promise<boolean> {
    const rows = await this.sql.rows<{ id: string }>(
      `INSERT INTO usage_slices (id, allocation_id, account_id, kind, seconds_from, seconds_to, amount_minor,
         price_plan_id, currency)
       VALUES ($1, $2, $3, 'refund', $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      sliceParameters(refund),
    );
    return rows.length > 0;
  }
}

/** $1…$8 of both slice inserts, in the order of their column lists. */
function sliceParameters(slice: UsageSlice): unknown[] {
  const { id, allocationId, accountId, secondsFrom, secondsTo, amountMinor, pricePlanId, currency } = slice;
  return [id, allocationId, accountId, secondsFrom, secondsTo, amountMinor.toString(), pricePlanId, currency];
}

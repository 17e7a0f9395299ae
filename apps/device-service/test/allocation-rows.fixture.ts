import { randomUUID } from 'node:crypto';
import { createRepositoryTestDatabase, type RepositoryTestDatabase } from '@cloudphone/shared/testing';
import { type AllocationRecord, toAllocationResponse } from '../src/modules/allocations/allocation-record';
import { claimRequestOf } from '../src/modules/allocations/allocation-request';
import { AllocationTransitionsRepository } from '../src/modules/allocations/allocation-transitions.repository';
import { AllocationsRepository } from '../src/modules/allocations/allocations.repository';
import { PLAIN } from '../src/modules/allocations/placement-choice';

/** The devices an allocation-rows database starts with: `count` available ones of one spec. */
export interface DevicePoolSpec {
  count: number;
  /** provider_device_id prefix, so each test file's rows read apart. */
  prefix: string;
  cpuCores: number;
  memoryMb: number;
  storageGb: number;
}

/**
 * A migrated device-service database for the allocation statements' tests: the repositories, and
 * claims and active allocations made as the scheduler makes them (claimRequestOf, a plain claim,
 * the shared activation).
 */
export interface AllocationRows {
  db: RepositoryTestDatabase;
  allocations: AllocationsRepository;
  transitions: AllocationTransitionsRepository;
  /** A pending claim of a free device for 30 minutes. */
  claim(userId?: string, tenantId?: string): Promise<AllocationRecord>;
  /** A claim activated from `startedAt` (null: the database's clock). */
  active(
    userId?: string,
    options?: { tenantId?: string; startedAt?: Date | null },
  ): Promise<AllocationRecord>;
}

export async function openAllocationRows(devices: DevicePoolSpec): Promise<AllocationRows> {
  const db = await createRepositoryTestDatabase('device-service');
  const allocations = new AllocationsRepository(db.sql);
  const transitions = new AllocationTransitionsRepository(db.sql);
  await db.query(
    `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb, status, health)
     SELECT 'simulated', $1 || n, 'eu-west', '13', $2, $3, $4, 'available', 'healthy' FROM generate_series(1, $5) n`,
    [devices.prefix, devices.cpuCores, devices.memoryMb, devices.storageGb, devices.count],
  );
  const claim = async (userId: string = randomUUID(), tenantId = 'default'): Promise<AllocationRecord> => {
    const claimed = await allocations.claimDevice(
      claimRequestOf({ userId, tenantId }, { durationMinutes: 30 }, null, null),
      PLAIN,
    );
    if (claimed.kind !== 'claimed') throw new Error(`no device claimed: ${claimed.kind}`);
    return claimed.claim;
  };
  return {
    db,
    allocations,
    transitions,
    claim,
    async active(userId, options = {}) {
      const pending = await claim(userId, options.tenantId);
      const [row] = await transitions.activateAll([
        {
          claim: pending,
          at: options.startedAt ?? null,
          response: toAllocationResponse({ ...pending, status: 'active' }),
        },
      ]);
      if (!row) throw new Error('activation failed');
      return row;
    },
  };
}

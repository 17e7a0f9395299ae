// "The same transactions through pg", for information beside the fixed ceiling: the service's own
// repository statements for claim, activation with its event (one statement), and release with its
// reports and event, driven straight through the pg driver: no HTTP, no other service, no relay.
// As in the service, concurrent activations and releases share their statements (SharedStatement).
import { randomUUID } from 'node:crypto';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { DatabasePool, SharedStatement, SqlClient } from '@cloudphone/shared';
import { createTestDatabase } from '@cloudphone/shared/testing';
import { toAllocationResponse } from '../../apps/device-service/src/modules/allocations/allocation-record';
import { AllocationsRepository } from '../../apps/device-service/src/modules/allocations/allocations.repository';
import {
  type Activation,
  type AllocationEnd,
  AllocationTransitionsRepository,
} from '../../apps/device-service/src/modules/allocations/allocation-transitions.repository';
import { claimRequestOf } from '../../apps/device-service/src/modules/allocations/allocation-request';
import { PLAIN } from '../../apps/device-service/src/modules/allocations/placement-choice';
import { DeviceResetsRepository } from '../../apps/device-service/src/modules/devices/hand-over/device-resets.repository';
import { seedDevicePool } from '../../tools/seed/device-pool.seed';
import { drive, report, type RunFigures } from './load-driver';

export async function benchmarkRaw(options: {
  pool: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}): Promise<RunFigures> {
  const database = await createTestDatabase(SERVICE_CATALOG.device.name);
  const pool = DatabasePool.create({ url: database.url, poolSize: 20 });
  try {
    await seedDevicePool(database.url, { count: options.pool, seed: 7 });
    const sql = new SqlClient(pool);
    const allocations = new AllocationsRepository(sql);
    const resets = new DeviceResetsRepository(sql);
    const transitions = new AllocationTransitionsRepository(sql);
    const activations = new SharedStatement((items: Activation[]) => transitions.activateAll(items));
    const ends = new SharedStatement((items: AllocationEnd[]) => transitions.endAll(items));
    const userIds = Array.from({ length: options.concurrency }, () => randomUUID());
    const run = await drive(options.concurrency, options, async (worker) => {
      const started = performance.now();
      const claimed = await allocations.claimDevice(
        claimRequestOf({ userId: userIds[worker], tenantId: 'default' }, { durationMinutes: 30 }, null, null),
        PLAIN,
      );
      if (claimed.kind !== 'claimed') return { allocateMs: performance.now() - started, status: '409' };
      const claim = claimed.claim;
      // As the service does: the activation writes its own event in the same statement.
      const active = await activations.run({
        claim,
        at: null,
        response: toAllocationResponse({ ...claim, status: 'active' }),
        event: {
          eventId: randomUUID(),
          type: 'device.allocated',
          version: 1,
          aggregateKey: `device:${claim.deviceId}`,
          data: toAllocationResponse({ ...claim, status: 'active' }),
        },
      });
      const allocateMs = performance.now() - started;
      // As EndAllocations does: one statement ends it and stores its reports and its event.
      const ended = await ends.run({ id: claim.id, reason: 'released', at: null });
      if (!ended || !active) throw new Error('release failed');
      // As the hand-over does once the provider confirmed the wipe (the simulated one at once): the
      // device is leased, then made available again, one wipe further.
      await resets.completeAll(await resets.takeDue(1, 60_000));
      return { allocateMs, status: '201' };
    });
    return report('same-through-pg', run);
  } finally {
    await pool.end();
    await database.drop();
  }
}

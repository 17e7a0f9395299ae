import { Injectable, Logger } from '@nestjs/common';
import { afterCommit, CacheService, MetricsService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { AdbGateway } from '../access';
import { AVAILABLE_DEVICES_CACHE_TAG } from '../devices';
import { AllocationEventsPublisher } from './allocation-events.publisher';
import type { AllocationRecord } from './allocation-record';
import { AllocationFailoverRepository } from './allocation-failover.repository';
import { AllocationsRepository } from './allocations.repository';
import { EndAllocations } from './end-allocations.service';

export type FailoverOutcome =
  | { kind: 'moved'; allocation: AllocationRecord }
  | { kind: 'ended'; allocation: AllocationRecord }
  | { kind: 'nothing' };

/**
 * Failover (§5 "device failed → move the allocation to a healthy device"): in the transaction of the
 * `device.failed` event, the allocation the failed device held moves to a healthy device of the same
 * spec or the nearest larger one (`allocation.moved`: new fencing token, new access). It is the same
 * allocation row, so billing runs on unbroken and is charged once, at its end, for its spec. When no
 * device can take it, it ends `device_failed`, billed to the failure (`device.released` tells the
 * renter).
 */
@Injectable()
export class FailoverAllocationUseCase {
  private readonly logger = new Logger(FailoverAllocationUseCase.name);
  private readonly failovers: Counter<'outcome'>;

  constructor(
    private readonly repository: AllocationFailoverRepository,
    private readonly allocations: AllocationsRepository,
    private readonly ending: EndAllocations,
    private readonly publisher: AllocationEventsPublisher,
    private readonly gateway: AdbGateway,
    private readonly cache: CacheService,
    metrics: MetricsService,
  ) {
    this.failovers = metrics.counter({
      name: 'cloudphone_allocation_failovers_total',
      help: 'Allocations whose device failed, by outcome (moved, ended)',
      labelNames: ['outcome'],
    });
  }

  /** Runs in the caller's transaction (the event consumer's, with its inbox row). */
  async failover(allocationId: string, failedDeviceId: string, failedAt: Date): Promise<FailoverOutcome> {
    const moved = await this.repository.move(allocationId, failedDeviceId);
    if (moved) {
      await this.publisher.moved(moved, failedDeviceId);
      await afterCommit(async () => {
        void this.gateway.sync();
        await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
      });
      this.failovers.inc({ outcome: 'moved' });
      this.logger.warn({
        msg: 'allocation moved off a failed device',
        allocationId,
        from: failedDeviceId,
        to: moved.deviceId,
      });
      return { kind: 'moved', allocation: moved };
    }
    // Ended only if it still runs on the failed device (its fencing token pins that claim).
    const current = await this.allocations.findById(allocationId);
    if (!current || current.status !== 'active' || current.deviceId !== failedDeviceId)
      return { kind: 'nothing' };
    const ended = await this.ending.endFailed(current, failedAt);
    if (!ended) return { kind: 'nothing' };
    this.failovers.inc({ outcome: 'ended' });
    this.logger.warn({ msg: 'no device could take over; allocation ended', allocationId, failedDeviceId });
    return { kind: 'ended', allocation: ended };
  }
}

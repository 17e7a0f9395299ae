import { Injectable, Logger } from '@nestjs/common';
import { DOMAIN_EVENTS, type DeviceFailedEventData } from '@cloudphone/contracts';
import { afterCommit, CacheService, EventPublisher, TransactionRunner } from '@cloudphone/shared';
import { AVAILABLE_DEVICES_CACHE_TAG } from './device-pool.cache';

/** A device that just became `failed`, and the allocation it was holding, if any. */
export interface FailedDevice {
  deviceId: string;
  allocationId: string | null;
  reason: string;
}

/**
 * Every event the devices module publishes, written to the outbox in the caller's transaction, so
 * an event exists if and only if the change it announces committed.
 */
@Injectable()
export class DeviceEventsPublisher {
  private readonly logger = new Logger(DeviceEventsPublisher.name);

  constructor(
    private readonly events: EventPublisher,
    private readonly transactions: TransactionRunner,
    private readonly cache: CacheService,
  ) {}

  /**
   * Runs `fail` (a statement that fails devices and answers them) and publishes `device.failed` for
   * each in the same transaction; once committed, the free-device lists are evicted. The step the
   * health check and the reconciler share.
   */
  async failing(why: string, fail: () => Promise<FailedDevice[]>): Promise<FailedDevice[]> {
    const failed = await this.transactions.run(async () => {
      const devices = await fail();
      await this.failed(devices);
      return devices;
    });
    if (failed.length > 0) {
      this.logger.error({ msg: why, devices: failed });
      await afterCommit(() => this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG));
    }
    return failed;
  }

  /** `device.failed`: the scheduler moves (fails over) the allocation it was holding. */
  async failed(devices: FailedDevice[]): Promise<void> {
    if (devices.length === 0) return;
    await this.events.publish(
      devices.map((device) => {
        const data: DeviceFailedEventData = {
          deviceId: device.deviceId,
          reason: device.reason,
          allocationId: device.allocationId,
        };
        return { type: DOMAIN_EVENTS.deviceFailed, aggregateId: device.deviceId, data };
      }),
    );
  }
}

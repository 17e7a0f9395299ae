import { Injectable } from '@nestjs/common';
import { DOMAIN_EVENTS, type DeviceFailedEventData } from '@cloudphone/contracts';
import { EventPublisher } from '@cloudphone/shared';

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
  constructor(private readonly events: EventPublisher) {}

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

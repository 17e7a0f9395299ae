import { Injectable } from '@nestjs/common';
import { DOMAIN_EVENTS, type DeviceFailedEventData, type EventEnvelope } from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { FailoverAllocationUseCase } from '../failover-allocation.use-case';

/** device-service's own `device.failed` (health check, reconciliation): the allocation it held moves. */
@Injectable()
export class DeviceEventsHandler {
  constructor(private readonly failover: FailoverAllocationUseCase) {}

  @OnEvent(DOMAIN_EVENTS.deviceFailed)
  async onDeviceFailed(event: EventEnvelope<DeviceFailedEventData>): Promise<void> {
    if (event.data.allocationId === null) return;
    await this.failover.failover(event.data.allocationId, event.data.deviceId, new Date(event.occurredAt));
  }
}

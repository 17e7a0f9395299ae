import { Injectable } from '@nestjs/common';
import {
  type AllocationExpiredEventData,
  type AllocationExtendedEventData,
  type DeviceAllocatedEventData,
  type DeviceReleasedEventData,
  deviceSpecOf,
  DOMAIN_EVENTS,
  type EventEnvelope,
} from '@cloudphone/contracts';
import { IdempotentHandler, OnEvent } from '@cloudphone/shared';
import { RunningAllocationsService } from '../running-allocations.service';

/**
 * Which allocations are running, from device-service's events, for the meter-running-allocations
 * job. Each handler is one idempotent statement that tolerates reordering: a redelivered start
 * changes nothing, a stale extension never moves an expiry back, and a start arriving after the
 * usage report starts no meter. So they run without the inbox row or a transaction (two events per
 * allocation on the allocate path: three statements and a commit saved on each), and the starts and
 * ends consumed at the same time share their statement (`RunningAllocationsService`).
 */
@Injectable()
export class AllocationEventsHandler {
  constructor(private readonly running: RunningAllocationsService) {}

  @OnEvent(DOMAIN_EVENTS.deviceAllocated)
  @IdempotentHandler()
  async onDeviceAllocated({ data }: EventEnvelope<DeviceAllocatedEventData>): Promise<void> {
    await this.running.started({
      allocationId: data.allocationId,
      userId: data.userId,
      tenantId: data.tenantId,
      deviceId: data.deviceId,
      ...deviceSpecOf(data),
      startedAt: new Date(data.startedAt),
      expiresAt: new Date(data.expiresAt),
    });
  }

  @OnEvent(DOMAIN_EVENTS.allocationExtended)
  @IdempotentHandler()
  onAllocationExtended({ data }: EventEnvelope<AllocationExtendedEventData>): Promise<void> {
    return this.running.extended(data.allocationId, new Date(data.expiresAt));
  }

  @OnEvent(DOMAIN_EVENTS.deviceReleased)
  @IdempotentHandler()
  onDeviceReleased({ data }: EventEnvelope<DeviceReleasedEventData>): Promise<void> {
    return this.running.ended(data.allocationId, new Date(data.endedAt));
  }

  @OnEvent(DOMAIN_EVENTS.allocationExpired)
  @IdempotentHandler()
  onAllocationExpired({ data }: EventEnvelope<AllocationExpiredEventData>): Promise<void> {
    return this.running.ended(data.allocationId, new Date(data.expiredAt));
  }
}

import { Injectable } from '@nestjs/common';
import {
  type AllocationExpiredEventData,
  type AllocationExpiringEventData,
  type AllocationExtendedEventData,
  type AllocationMovedEventData,
  type AllocationFailedEventData,
  type DeviceAllocatedEventData,
  type DeviceReleasedEventData,
  DOMAIN_EVENTS,
  type EventEnvelope,
} from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { ALLOCATION_EXPIRED_NOTIFICATION } from './allocation-expired.notification';
import { ALLOCATION_EXPIRING_NOTIFICATION } from './allocation-expiring.notification';
import { ALLOCATION_EXTENDED_NOTIFICATION } from './allocation-extended.notification';
import { ALLOCATION_MOVED_NOTIFICATION } from './allocation-moved.notification';
import { ALLOCATION_FAILED_NOTIFICATION } from './allocation-failed.notification';
import { DEVICE_ALLOCATED_NOTIFICATION } from './device-allocated.notification';
import { DEVICE_RELEASED_NOTIFICATION } from './device-released.notification';
import { EventNotificationsService } from './event-notifications.service';

/** Notifies users of their allocations' lifecycle, from device-service's events. */
@Injectable()
export class AllocationEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.deviceAllocated)
  onDeviceAllocated(event: EventEnvelope<DeviceAllocatedEventData>): Promise<void> {
    return this.notifications.record(event, DEVICE_ALLOCATED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.deviceReleased)
  onDeviceReleased(event: EventEnvelope<DeviceReleasedEventData>): Promise<void> {
    return this.notifications.record(event, DEVICE_RELEASED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.allocationExpiring)
  onAllocationExpiring(event: EventEnvelope<AllocationExpiringEventData>): Promise<void> {
    return this.notifications.record(event, ALLOCATION_EXPIRING_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.allocationExpired)
  onAllocationExpired(event: EventEnvelope<AllocationExpiredEventData>): Promise<void> {
    return this.notifications.record(event, ALLOCATION_EXPIRED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.allocationExtended)
  onAllocationExtended(event: EventEnvelope<AllocationExtendedEventData>): Promise<void> {
    return this.notifications.record(event, ALLOCATION_EXTENDED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.allocationMoved)
  onAllocationMoved(event: EventEnvelope<AllocationMovedEventData>): Promise<void> {
    return this.notifications.record(event, ALLOCATION_MOVED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.allocationFailed)
  onAllocationFailed(event: EventEnvelope<AllocationFailedEventData>): Promise<void> {
    return this.notifications.record(event, ALLOCATION_FAILED_NOTIFICATION);
  }
}

import { Injectable } from '@nestjs/common';
import { DOMAIN_EVENTS, type EventEnvelope } from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import type { EntityManager } from 'typeorm';
import { ALLOCATION_EXPIRED_NOTIFICATION } from './allocation-expired.notification';
import { ALLOCATION_EXPIRING_NOTIFICATION } from './allocation-expiring.notification';
import { DEVICE_ALLOCATED_NOTIFICATION } from './device-allocated.notification';
import { DEVICE_RELEASED_NOTIFICATION } from './device-released.notification';
import { EventNotificationsService } from './event-notifications.service';

/** Notifies users of their allocations' lifecycle, from device-service's events. */
@Injectable()
export class AllocationEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.deviceAllocated)
  onDeviceAllocated(event: EventEnvelope, manager: EntityManager): Promise<void> {
    return this.notifications.record(event, manager, DEVICE_ALLOCATED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.deviceReleased)
  onDeviceReleased(event: EventEnvelope, manager: EntityManager): Promise<void> {
    return this.notifications.record(event, manager, DEVICE_RELEASED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.allocationExpiring)
  onAllocationExpiring(event: EventEnvelope, manager: EntityManager): Promise<void> {
    return this.notifications.record(event, manager, ALLOCATION_EXPIRING_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.allocationExpired)
  onAllocationExpired(event: EventEnvelope, manager: EntityManager): Promise<void> {
    return this.notifications.record(event, manager, ALLOCATION_EXPIRED_NOTIFICATION);
  }
}

import { Injectable } from '@nestjs/common';
import {
  type AllocationExpiredEventData,
  type BillingOverdueEventData,
  DOMAIN_EVENTS,
  type DeviceReleasedEventData,
  type EventEnvelope,
  type UserDeletedEventData,
  type UserSuspendedEventData,
} from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { RentalEnding } from '../rental-ending.service';

/**
 * Rentals end with what they were for: the allocation they are bound to (released, expired) or
 * their renter (deleted, suspended, overdue). Each delivery runs in the inbox's transaction, so a redelivered
 * event is skipped, and ending an already ended rental changes nothing anyway.
 */
@Injectable()
export class AllocationEventsHandler {
  constructor(private readonly ending: RentalEnding) {}

  @OnEvent(DOMAIN_EVENTS.deviceReleased)
  async onDeviceReleased(event: EventEnvelope<DeviceReleasedEventData>): Promise<void> {
    await this.ending.endForAllocation(event.data.allocationId);
  }

  @OnEvent(DOMAIN_EVENTS.allocationExpired)
  async onAllocationExpired(event: EventEnvelope<AllocationExpiredEventData>): Promise<void> {
    await this.ending.endForAllocation(event.data.allocationId);
  }

  @OnEvent(DOMAIN_EVENTS.userDeleted)
  async onUserDeleted(event: EventEnvelope<UserDeletedEventData>): Promise<void> {
    await this.ending.endForUser(event.data.userId);
  }

  /** An overdrawn account stops accruing charges, as its devices stop (device-service releases them). */
  @OnEvent(DOMAIN_EVENTS.billingOverdue)
  async onAccountOverdue(event: EventEnvelope<BillingOverdueEventData>): Promise<void> {
    await this.ending.endForUser(event.data.userId, 'account_overdue');
  }

  @OnEvent(DOMAIN_EVENTS.userSuspended)
  async onUserSuspended(event: EventEnvelope<UserSuspendedEventData>): Promise<void> {
    await this.ending.endForUser(event.data.userId);
  }
}

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
import { NumberEnding } from '../number-ending.service';

/**
 * Numbers end with what they were for: the allocation they are bound to, or their user. One that
 * waits for a code is cancelled (never charged), one that got it is finished. Each delivery runs in
 * the inbox's transaction, so a redelivered event is skipped.
 */
@Injectable()
export class AllocationEventsHandler {
  constructor(private readonly ending: NumberEnding) {}

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

  /** An overdrawn account rents nothing more: its waiting numbers are given back (never charged). */
  @OnEvent(DOMAIN_EVENTS.billingOverdue)
  async onAccountOverdue(event: EventEnvelope<BillingOverdueEventData>): Promise<void> {
    await this.ending.endForUser(event.data.userId, 'account_overdue');
  }

  @OnEvent(DOMAIN_EVENTS.userSuspended)
  async onUserSuspended(event: EventEnvelope<UserSuspendedEventData>): Promise<void> {
    await this.ending.endForUser(event.data.userId);
  }
}

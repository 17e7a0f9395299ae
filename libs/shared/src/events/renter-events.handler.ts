import {
  type AllocationExpiredEventData,
  type BillingOverdueEventData,
  DOMAIN_EVENTS,
  type DeviceReleasedEventData,
  type EventEnvelope,
  type UserDeletedEventData,
  type UserSuspendedEventData,
} from '@cloudphone/contracts';
import { OnEvent } from './on-event.decorator';

/** Why all of a user's rentals end: the user is gone (deleted, suspended) or their account overdue. */
export type RenterEndReason = 'user_gone' | 'account_overdue';

/**
 * The events that end what a service rents alongside devices (proxies, numbers): the allocation a
 * rental is bound to (released, expired) or its renter (deleted, suspended, overdue: an overdrawn
 * account stops accruing charges, as device-service releases its devices). A service extends it as
 * an @Injectable provider and says how it ends its rentals. Each delivery runs in the inbox's
 * transaction, so a redelivered event is skipped, and ending what already ended changes nothing.
 */
export abstract class RenterEventsHandler {
  protected abstract endForAllocation(allocationId: string): Promise<unknown>;
  protected abstract endForUser(userId: string, reason: RenterEndReason): Promise<unknown>;

  @OnEvent(DOMAIN_EVENTS.deviceReleased)
  async onDeviceReleased(event: EventEnvelope<DeviceReleasedEventData>): Promise<void> {
    await this.endForAllocation(event.data.allocationId);
  }

  @OnEvent(DOMAIN_EVENTS.allocationExpired)
  async onAllocationExpired(event: EventEnvelope<AllocationExpiredEventData>): Promise<void> {
    await this.endForAllocation(event.data.allocationId);
  }

  @OnEvent(DOMAIN_EVENTS.userDeleted)
  async onUserDeleted(event: EventEnvelope<UserDeletedEventData>): Promise<void> {
    await this.endForUser(event.data.userId, 'user_gone');
  }

  @OnEvent(DOMAIN_EVENTS.userSuspended)
  async onUserSuspended(event: EventEnvelope<UserSuspendedEventData>): Promise<void> {
    await this.endForUser(event.data.userId, 'user_gone');
  }

  @OnEvent(DOMAIN_EVENTS.billingOverdue)
  async onAccountOverdue(event: EventEnvelope<BillingOverdueEventData>): Promise<void> {
    await this.endForUser(event.data.userId, 'account_overdue');
  }
}

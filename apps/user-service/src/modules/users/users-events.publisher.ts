import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type UserDeletedEventData,
  type UserSuspendedEventData,
  type UserTierChangedEventData,
} from '@cloudphone/contracts';
import { EventPublisher, type OutgoingEvent } from '@cloudphone/shared';
import type { UserRecord } from './user-record';

/**
 * The events of the users module, written to the outbox in the transaction of the change they
 * announce: `user.suspended` and `user.deleted` when the status becomes that, `user.tier_changed`
 * when the tier moves. Other services act on them (device-service releases the devices and
 * bookings of a user who may no longer hold them).
 */
@Injectable()
export class UsersEventsPublisher {
  constructor(private readonly events: EventPublisher) {}

  async changed(before: UserRecord, after: UserRecord): Promise<void> {
    const owner = { userId: after.id, tenantId: after.tenantId };
    const events: OutgoingEvent[] = [];
    if (after.status !== before.status && after.status === 'suspended') {
      events.push({
        type: DOMAIN_EVENTS.userSuspended,
        aggregateId: after.id,
        data: owner satisfies UserSuspendedEventData,
      });
    }
    if (after.status !== before.status && after.status === 'deleted') {
      events.push({
        type: DOMAIN_EVENTS.userDeleted,
        aggregateId: after.id,
        data: owner satisfies UserDeletedEventData,
      });
    }
    if (after.tier !== before.tier) {
      const data: UserTierChangedEventData = { ...owner, previousTier: before.tier, tier: after.tier };
      events.push({ type: DOMAIN_EVENTS.userTierChanged, aggregateId: after.id, data });
    }
    if (events.length > 0) await this.events.publish(events);
  }
}

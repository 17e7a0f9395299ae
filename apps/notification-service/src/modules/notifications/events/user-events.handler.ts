import { Injectable } from '@nestjs/common';
import { DOMAIN_EVENTS, type EventEnvelope, type UserTierChangedEventData } from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { EventNotificationsService } from './event-notifications.service';
import { TIER_CHANGED_NOTIFICATION } from './tier-changed.notification';

/** Notifies users of changes to their account, from user-service's events. */
@Injectable()
export class UserEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.userTierChanged)
  onTierChanged(event: EventEnvelope<UserTierChangedEventData>): Promise<void> {
    return this.notifications.record(event, TIER_CHANGED_NOTIFICATION);
  }
}

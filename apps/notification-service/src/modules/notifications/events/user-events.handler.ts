import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type EventEnvelope,
  type UserLockedOutEventData,
  type UserPasswordChangedEventData,
  type UserTierChangedEventData,
  type UserVerifiedEventData,
} from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import {
  LOCKED_OUT_NOTIFICATION,
  PASSWORD_CHANGED_NOTIFICATION,
  USER_VERIFIED_NOTIFICATION,
} from './account.notifications';
import { EventNotificationsService } from './event-notifications.service';
import { TIER_CHANGED_NOTIFICATION } from './tier-changed.notification';

/**
 * Notifies users of changes to their account, from user-service's events. The sign-up and token
 * events go to AccountEmailEventsHandler: they never reach the inbox.
 */
@Injectable()
export class UserEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.userTierChanged)
  onTierChanged(event: EventEnvelope<UserTierChangedEventData>): Promise<void> {
    return this.notifications.record(event, TIER_CHANGED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.userVerified)
  onVerified(event: EventEnvelope<UserVerifiedEventData>): Promise<void> {
    return this.notifications.record(event, USER_VERIFIED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.userPasswordChanged)
  onPasswordChanged(event: EventEnvelope<UserPasswordChangedEventData>): Promise<void> {
    return this.notifications.record(event, PASSWORD_CHANGED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.userLockedOut)
  onLockedOut(event: EventEnvelope<UserLockedOutEventData>): Promise<void> {
    return this.notifications.record(event, LOCKED_OUT_NOTIFICATION);
  }
}

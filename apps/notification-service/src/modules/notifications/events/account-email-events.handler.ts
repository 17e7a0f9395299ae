import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type EventEnvelope,
  type UserEmailVerificationRequestedEventData,
  type UserPasswordResetRequestedEventData,
  type UserRegisteredEventData,
} from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { EventNotificationsService } from './event-notifications.service';

/**
 * user-service's sign-up and token events, which have no place in the inbox: a pending user cannot
 * sign in to read it, and the token events carry a secret single-use token that must not be stored
 * (or logged) here. They are bound anyway because the outbox relay treats an event no queue is
 * bound to as an error and holds every later event of its aggregate (`user:<id>`) behind it: an
 * unrouted `user.registered` would stall that user's `user.suspended` on its way to device-service.
 * The email channel (SMTP, issue 16's notification part) will deliver them from these handlers;
 * until then each is acknowledged, logged without its payload and counted as ignored (`email_only`).
 */
@Injectable()
export class AccountEmailEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.userRegistered)
  onRegistered(event: EventEnvelope<UserRegisteredEventData>): Promise<void> {
    return this.notifications.acknowledgeEmailOnly(event);
  }

  @OnEvent(DOMAIN_EVENTS.userEmailVerificationRequested)
  onEmailVerificationRequested(event: EventEnvelope<UserEmailVerificationRequestedEventData>): Promise<void> {
    return this.notifications.acknowledgeEmailOnly(event);
  }

  @OnEvent(DOMAIN_EVENTS.userPasswordResetRequested)
  onPasswordResetRequested(event: EventEnvelope<UserPasswordResetRequestedEventData>): Promise<void> {
    return this.notifications.acknowledgeEmailOnly(event);
  }
}

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
 * there (or logged). The token events become one email each (a sensitive delivery: its content is
 * dropped once it settles); `user.registered` is only acknowledged, as the verification email is the
 * welcome. All are bound anyway because the outbox relay holds every later event of an aggregate
 * (`user:<id>`) behind one no queue is bound to.
 */
@Injectable()
export class AccountEmailEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.userRegistered)
  onRegistered(event: EventEnvelope<UserRegisteredEventData>): Promise<void> {
    return this.notifications.acknowledgeOnly(event);
  }

  @OnEvent(DOMAIN_EVENTS.userEmailVerificationRequested)
  onEmailVerificationRequested(event: EventEnvelope<UserEmailVerificationRequestedEventData>): Promise<void> {
    return this.notifications.emailOnly(event, {
      title: 'Verify your email address',
      body: `Confirm your address to activate your account. The link works once, until ${event.data.expiresAt}.`,
    });
  }

  @OnEvent(DOMAIN_EVENTS.userPasswordResetRequested)
  onPasswordResetRequested(event: EventEnvelope<UserPasswordResetRequestedEventData>): Promise<void> {
    return this.notifications.emailOnly(event, {
      title: 'Reset your password',
      body: `Choose a new password with the emailed link. It works once, until ${event.data.expiresAt}.`,
    });
  }
}

import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type UserEmailVerificationRequestedEventData,
  type UserLockedOutEventData,
  type UserPasswordChangedEventData,
  type UserPasswordResetRequestedEventData,
  type UserRegisteredEventData,
  type UserVerifiedEventData,
} from '@cloudphone/contracts';
import { EventPublisher } from '@cloudphone/shared';
import type { UserRecord } from '../users';

/**
 * The events of sign-up, verification, passwords and lockout, written to the outbox in the
 * transaction of the change. notification-service turns the token and security ones into emails.
 */
@Injectable()
export class AuthEventsPublisher {
  constructor(private readonly events: EventPublisher) {}

  /** `user.registered` and the first `user.email_verification_requested`, together. */
  async registered(user: UserRecord, token: string, expiresAt: Date): Promise<void> {
    const registered: UserRegisteredEventData = { ...owner(user), tier: user.tier };
    await this.events.publish([
      { type: DOMAIN_EVENTS.userRegistered, aggregateId: user.id, data: registered },
      this.verificationRequest(user, token, expiresAt),
    ]);
  }

  async verificationRequested(user: UserRecord, token: string, expiresAt: Date): Promise<void> {
    await this.events.publish([this.verificationRequest(user, token, expiresAt)]);
  }

  async verified(user: UserRecord): Promise<void> {
    const data: UserVerifiedEventData = owner(user);
    await this.events.publish([{ type: DOMAIN_EVENTS.userVerified, aggregateId: user.id, data }]);
  }

  async passwordResetRequested(user: UserRecord, token: string, expiresAt: Date): Promise<void> {
    const data: UserPasswordResetRequestedEventData = {
      ...recipient(user),
      token,
      expiresAt: expiresAt.toISOString(),
    };
    await this.events.publish([
      { type: DOMAIN_EVENTS.userPasswordResetRequested, aggregateId: user.id, data },
    ]);
  }

  async passwordChanged(user: UserRecord): Promise<void> {
    const data: UserPasswordChangedEventData = recipient(user);
    await this.events.publish([{ type: DOMAIN_EVENTS.userPasswordChanged, aggregateId: user.id, data }]);
  }

  async lockedOut(user: UserRecord, lockedUntil: Date): Promise<void> {
    const data: UserLockedOutEventData = { ...recipient(user), lockedUntil: lockedUntil.toISOString() };
    await this.events.publish([{ type: DOMAIN_EVENTS.userLockedOut, aggregateId: user.id, data }]);
  }

  private verificationRequest(user: UserRecord, token: string, expiresAt: Date) {
    const data: UserEmailVerificationRequestedEventData = {
      ...recipient(user),
      token,
      expiresAt: expiresAt.toISOString(),
    };
    return { type: DOMAIN_EVENTS.userEmailVerificationRequested, aggregateId: user.id, data };
  }
}

function owner(user: UserRecord) {
  return { userId: user.id, tenantId: user.tenantId };
}

function recipient(user: UserRecord) {
  return { ...owner(user), email: user.email, displayName: user.displayName };
}

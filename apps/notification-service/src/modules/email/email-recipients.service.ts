import { Injectable } from '@nestjs/common';
import { DOMAIN_EVENTS } from '@cloudphone/contracts';
import { DependencyUnavailableError, HttpClientError } from '@cloudphone/shared';
import type { ChannelOutcome, DeliveryToSend } from '../deliveries';
import type { EmailRecipient } from './email-message.builder';
import { UserAddressClient } from './user-address.client';

/** Why an email is not sent at all (a metric label; the record says `skipped: <reason>`). */
export type EmailSkipReason = 'no_address' | 'user_not_found' | 'user_not_active' | 'email_not_verified';

export type RecipientLookup =
  | { result: 'found'; recipient: EmailRecipient }
  | { result: 'skipped'; reason: EmailSkipReason }
  | { result: 'failed'; outcome: Extract<ChannelOutcome, { result: 'failed' }> };

/**
 * Where a delivery's email goes. Security and token events carry the address (user-service chose it
 * when the fact happened: a reset link goes to a pending account on purpose, since redeeming it
 * proves the address). Every other event asks user-service now: a user it does not know or who is
 * not active gets nothing, and an unverified address gets nothing but the verification email. A
 * user-service that cannot answer is a transient failure: the delivery is tried again later.
 */
@Injectable()
export class EmailRecipients {
  constructor(private readonly users: UserAddressClient) {}

  async resolve(delivery: DeliveryToSend): Promise<RecipientLookup> {
    const carried = delivery.payload.email;
    if (carried && typeof carried.address === 'string' && carried.address) {
      return {
        result: 'found',
        recipient: { address: carried.address, displayName: carried.displayName ?? '' },
      };
    }
    if (!delivery.userId) return { result: 'skipped', reason: 'no_address' };
    try {
      const user = await this.users.addressOf(delivery.userId);
      if (!user.found) return { result: 'skipped', reason: 'user_not_found' };
      if (!user.active) return { result: 'skipped', reason: 'user_not_active' };
      if (!user.emailVerified && delivery.eventType !== DOMAIN_EVENTS.userEmailVerificationRequested) {
        return { result: 'skipped', reason: 'email_not_verified' };
      }
      return { result: 'found', recipient: { address: user.email, displayName: user.displayName } };
    } catch (error) {
      return { result: 'failed', outcome: lookupFailure(error) };
    }
  }
}

/** Any failure to look the address up is transient: the user is still there, the answer is not (yet). */
function lookupFailure(error: unknown): Extract<ChannelOutcome, { result: 'failed' }> {
  if (error instanceof DependencyUnavailableError) {
    return {
      result: 'failed',
      code: 'USER_SERVICE_UNAVAILABLE',
      error: `user-service unavailable (${error.failure.outcome})`,
      permanent: false,
      retryAfterMs: error.failure.retryAfterMs,
    };
  }
  if (error instanceof HttpClientError) {
    // Our service token or request refused: a platform fault to mend, not a reason to drop the email.
    return {
      result: 'failed',
      code: 'USER_LOOKUP_REFUSED',
      error: `user-service refused the lookup: ${error.status} ${error.code}`,
      permanent: false,
    };
  }
  return {
    result: 'failed',
    code: 'USER_LOOKUP_FAILED',
    error: `user lookup failed: ${(error as Error)?.message ?? String(error)}`.slice(0, 300),
    permanent: false,
  };
}

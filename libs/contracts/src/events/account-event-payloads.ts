import { IsEmail, IsIn, IsString, Length, MaxLength } from 'class-validator';
import { USER_FIELD_LIMITS, USER_TIERS, type UserTier } from '../user/user-attributes';
import { IsEventTime } from './event-payload-fields';
import { UserEventData } from './event-payloads';

/** `user.registered` v1: someone signed up; the account is `pending` until the email is verified. */
export class UserRegisteredEventData extends UserEventData {
  @IsIn(USER_TIERS)
  tier!: UserTier;
}

/** `user.verified` v1: a user proved they own their email address; the account is active. */
export class UserVerifiedEventData extends UserEventData {}

/**
 * What a security email needs: where to send it and whom to greet. Carried in the event so
 * notification-service does not have to call back for an address that may change meanwhile.
 */
abstract class AccountEmailEventData extends UserEventData {
  @IsEmail()
  @MaxLength(USER_FIELD_LIMITS.emailMaxLength)
  email!: string;

  @IsString()
  @Length(1, USER_FIELD_LIMITS.displayNameMaxLength)
  displayName!: string;
}

/**
 * A single-use token to email to the user, with its expiry. The token sits in the outbox until it
 * is delivered and then for EVENTS_OUTBOX_RETENTION_HOURS; it is short-lived and works once.
 */
abstract class AccountTokenEventData extends AccountEmailEventData {
  @IsString()
  @Length(32, 128)
  token!: string;

  @IsEventTime()
  expiresAt!: string;
}

/** `user.email_verification_requested` v1: email this verification token (sign-up or a resend). */
export class UserEmailVerificationRequestedEventData extends AccountTokenEventData {}

/** `user.password_reset_requested` v1: email this password-reset token. */
export class UserPasswordResetRequestedEventData extends AccountTokenEventData {}

/** `user.password_changed` v1: the password was changed or reset; tell the owner, in case it was not them. */
export class UserPasswordChangedEventData extends AccountEmailEventData {}

/** `user.locked_out` v1: repeated failed logins locked the account until `lockedUntil`. */
export class UserLockedOutEventData extends AccountEmailEventData {
  @IsEventTime()
  lockedUntil!: string;
}

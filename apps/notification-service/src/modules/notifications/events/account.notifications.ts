import {
  DOMAIN_EVENTS,
  type UserLockedOutEventData,
  type UserPasswordChangedEventData,
  type UserVerifiedEventData,
} from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { canonicalInstant, formatUtcRoundedUp } from './notification-text.formatters';

/** `user.verified` → "Email verified"; one per user: user-service activates an account only once. */
export const USER_VERIFIED_NOTIFICATION: EventNotificationRecipe<UserVerifiedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.userVerified}:${data.userId}`,
  text: () => ({
    title: 'Email verified',
    body: 'Welcome to Cloudphone! Your email address is verified and your account is active.',
  }),
};

/**
 * `user.password_changed` → "Password changed" (a change or a reset); one per event id: the same
 * user changes their password again and again, and each change deserves its own warning.
 */
export const PASSWORD_CHANGED_NOTIFICATION: EventNotificationRecipe<UserPasswordChangedEventData> = {
  versions: [1],
  sourceKey: (_data, event) => `${DOMAIN_EVENTS.userPasswordChanged}:${event.id}`,
  text: () => ({
    title: 'Password changed',
    body: "Your password was changed. If this wasn't you, reset your password right away.",
  }),
};

/**
 * `user.locked_out` → "Account locked", with the unlock time. A lockout is identified by user and
 * `lockedUntil`: a re-sent copy matches, a later lockout ends at another time.
 */
export const LOCKED_OUT_NOTIFICATION: EventNotificationRecipe<UserLockedOutEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.userLockedOut}:${data.userId}:${canonicalInstant(data.lockedUntil)}`,
  text: (data) => ({
    title: 'Account locked',
    body:
      `Too many failed sign-in attempts locked your account until ${formatUtcRoundedUp(data.lockedUntil)}. ` +
      "If those attempts weren't yours, someone may be guessing your password: change it once you are back in.",
  }),
};

import { DOMAIN_EVENTS, type NotificationChannelName } from '@cloudphone/contracts';

/** How an event type may reach a user beyond the inbox, and what happens without a choice. */
export interface EventChannelRule {
  /** Channels the event may use at all. */
  allowed: readonly NotificationChannelName[];
  /** Channels used when the user made no choice. */
  defaults: readonly NotificationChannelName[];
  /** Channels the user cannot switch off (security email). */
  locked: readonly NotificationChannelName[];
}

const ALL = ['email', 'webhook', 'push'] as const;
const E = DOMAIN_EVENTS;

/** An inbox event: push and webhooks by default; email when `email` says so. */
const inbox = (email: boolean): EventChannelRule => ({
  allowed: ALL,
  defaults: email ? ALL : ['webhook', 'push'],
  locked: [],
});
/** A security email: also in the inbox (push and webhooks), and the email cannot be switched off. */
const security: EventChannelRule = { allowed: ALL, defaults: ALL, locked: ['email'] };
/** A token email: the token must not leave by any other channel, nor be switched off. */
const tokenEmail: EventChannelRule = { allowed: ['email'], defaults: ['email'], locked: ['email'] };

/**
 * Every event type a user can be notified of, and its channels. Email is on by default for what
 * costs money or needs action soon; push and webhooks for everything in the inbox.
 */
export const EVENT_CHANNEL_RULES: Readonly<Record<string, EventChannelRule>> = {
  [E.userEmailVerificationRequested]: tokenEmail,
  [E.userPasswordResetRequested]: tokenEmail,
  [E.userPasswordChanged]: security,
  [E.userLockedOut]: security,
  [E.userVerified]: inbox(true),
  [E.userTierChanged]: inbox(true),
  [E.billingBalanceLow]: inbox(true),
  [E.billingPaymentSucceeded]: inbox(true),
  [E.billingPaymentFailed]: inbox(true),
  [E.billingInvoiceIssued]: inbox(true),
  [E.billingInvoiceOverdue]: inbox(true),
  [E.allocationExpiring]: inbox(true),
  [E.allocationMoved]: inbox(true),
  [E.allocationFailed]: inbox(true),
  [E.reservationReminder]: inbox(true),
  [E.reservationMissed]: inbox(true),
  [E.deviceAllocated]: inbox(false),
  [E.deviceReleased]: inbox(false),
  [E.allocationExpired]: inbox(false),
  [E.allocationExtended]: inbox(false),
  [E.queueFulfilled]: inbox(true),
  [E.queueExpired]: inbox(false),
  [E.queueRefused]: inbox(false),
  [E.reservationConfirmed]: inbox(false),
  [E.reservationCancelled]: inbox(false),
  [E.proxyAcquired]: inbox(false),
  [E.proxyReleased]: inbox(false),
  [E.smsCodeReceived]: inbox(false),
  [E.smsNumberExpired]: inbox(false),
};

export function channelRuleOf(eventType: string): EventChannelRule | undefined {
  return Object.hasOwn(EVENT_CHANNEL_RULES, eventType) ? EVENT_CHANNEL_RULES[eventType] : undefined;
}

/**
 * The channels an event takes for a user with these choices: a choice overrides the default of an
 * allowed channel, and a locked channel is always taken (a stored choice against it is ignored).
 */
export function effectiveChannels(
  eventType: string,
  choices: ReadonlyMap<NotificationChannelName, boolean>,
): NotificationChannelName[] {
  const rule = channelRuleOf(eventType);
  if (!rule) return [];
  return rule.allowed.filter(
    (channel) => rule.locked.includes(channel) || (choices.get(channel) ?? rule.defaults.includes(channel)),
  );
}

/** Why a choice cannot be stored; null when it can. */
export function choiceProblem(
  eventType: string,
  channel: NotificationChannelName,
  enabled: boolean,
): 'UNKNOWN_EVENT_TYPE' | 'CHANNEL_NOT_ALLOWED' | 'PREFERENCE_LOCKED' | null {
  const rule = channelRuleOf(eventType);
  if (!rule) return 'UNKNOWN_EVENT_TYPE';
  if (!rule.allowed.includes(channel)) return 'CHANNEL_NOT_ALLOWED';
  if (!enabled && rule.locked.includes(channel)) return 'PREFERENCE_LOCKED';
  return null;
}

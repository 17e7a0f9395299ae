/** A routing key `<aggregate>.<event>`: lower-case words of letters, digits and underscores. */
export type EventType = `${string}.${string}`;

/** What a valid event type looks like; the publisher refuses anything else. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

/**
 * Event names the services exchange. Publishers and consumers import the name from here so a
 * typo is a compile error, not a silently unbound routing key.
 */
export const DOMAIN_EVENTS = {
  deviceAllocated: 'device.allocated',
  deviceReleased: 'device.released',
  deviceFailed: 'device.failed',
  allocationExpiring: 'allocation.expiring',
  allocationExpired: 'allocation.expired',
  allocationExtended: 'allocation.extended',
  allocationMoved: 'allocation.moved',
  reservationConfirmed: 'reservation.confirmed',
  reservationReminder: 'reservation.reminder',
  reservationCancelled: 'reservation.cancelled',
  reservationMissed: 'reservation.missed',
  queueFulfilled: 'queue.fulfilled',
  queueExpired: 'queue.expired',
  queueRefused: 'queue.refused',
  billingUsageRecorded: 'billing.usage_recorded',
  billingBalanceLow: 'billing.balance_low',
  billingOverdue: 'billing.overdue',
  billingPaymentSucceeded: 'billing.payment_succeeded',
  billingPaymentFailed: 'billing.payment_failed',
  billingInvoiceIssued: 'billing.invoice_issued',
  billingInvoiceOverdue: 'billing.invoice_overdue',
  userDeleted: 'user.deleted',
  userSuspended: 'user.suspended',
  userTierChanged: 'user.tier_changed',
  userRegistered: 'user.registered',
  userVerified: 'user.verified',
  userEmailVerificationRequested: 'user.email_verification_requested',
  userPasswordResetRequested: 'user.password_reset_requested',
  userPasswordChanged: 'user.password_changed',
  userLockedOut: 'user.locked_out',
  allocationFailed: 'allocation.failed',
  proxyAcquired: 'proxy.acquired',
  proxyReleased: 'proxy.released',
  smsCodeReceived: 'sms.code_received',
  smsNumberExpired: 'sms.number_expired',
} as const;

export type DomainEventType = (typeof DOMAIN_EVENTS)[keyof typeof DOMAIN_EVENTS];

/**
 * Announcements: events no service of the platform needs, published for whoever binds a queue to
 * them (an operator's own consumer, say). RabbitMQ finding no queue for one is not an error: the
 * relay counts it (`cloudphone_events_unrouted_total`) and marks it sent. Every other event has a
 * consumer here, so finding none means a missing binding, and the relay keeps it and retries.
 */
export const ANNOUNCEMENT_EVENTS: ReadonlySet<string> = new Set<DomainEventType>([
  // What billing charged for an allocation; device-service reads the charge from the answer to its
  // usage report instead (issue 11), so nothing here consumes it.
  DOMAIN_EVENTS.billingUsageRecorded,
]);

// The public face of the events contracts (what services import through @cloudphone/contracts).
export { ANNOUNCEMENT_EVENTS, DOMAIN_EVENTS, EVENT_TYPE_PATTERN } from './domain-events';
export type { EventType } from './domain-events';
export type { EventEnvelope } from './event-envelope';
export { DOMAIN_EVENT_PAYLOADS } from './domain-event-payloads';
export type { EventPayloadClass, EventPayloadClasses, PayloadOf } from './domain-event-payloads';
export { isEventTime } from './event-payload-fields';
export {
  AllocationExpiredEventData,
  AllocationExpiringEventData,
  AllocationExtendedEventData,
  AllocationMovedEventData,
  AllocationFailedEventData,
  BillingBalanceLowEventData,
  BillingOverdueEventData,
  BillingUsageRecordedEventData,
  DeviceAllocatedEventData,
  DeviceFailedEventData,
  DeviceReleasedEventData,
  QueueExpiredEventData,
  QueueFulfilledEventData,
  QueueRefusedEventData,
  ReservationCancelledEventData,
  ReservationConfirmedEventData,
  ReservationMissedEventData,
  ReservationReminderEventData,
  UserDeletedEventData,
  UserSuspendedEventData,
  UserTierChangedEventData,
} from './event-payloads';
export type { AllocationEndReason } from './event-payloads';
export {
  UserEmailVerificationRequestedEventData,
  UserLockedOutEventData,
  UserPasswordChangedEventData,
  UserPasswordResetRequestedEventData,
  UserRegisteredEventData,
  UserVerifiedEventData,
} from './account-event-payloads';
export {
  BillingInvoiceIssuedEventData,
  BillingInvoiceOverdueEventData,
} from './billing-invoice-event-payloads';
export {
  BillingPaymentFailedEventData,
  BillingPaymentSucceededEventData,
} from './billing-payment-event-payloads';
export { ProxyAcquiredEventData, ProxyReleasedEventData } from './proxy-event-payloads';
export { SmsCodeReceivedEventData, SmsNumberExpiredEventData } from './sms-event-payloads';

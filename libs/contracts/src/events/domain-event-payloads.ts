import { DOMAIN_EVENTS, type DomainEventType, type EventType } from './domain-events';
import {
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
import {
  UserEmailVerificationRequestedEventData,
  UserLockedOutEventData,
  UserPasswordChangedEventData,
  UserPasswordResetRequestedEventData,
  UserRegisteredEventData,
  UserVerifiedEventData,
} from './account-event-payloads';
import {
  BillingInvoiceIssuedEventData,
  BillingInvoiceOverdueEventData,
} from './billing-invoice-event-payloads';
import {
  BillingPaymentFailedEventData,
  BillingPaymentSucceededEventData,
} from './billing-payment-event-payloads';
import { ProxyAcquiredEventData, ProxyReleasedEventData } from './proxy-event-payloads';
import { SmsCodeReceivedEventData, SmsNumberExpiredEventData } from './sms-event-payloads';

/** A class-validator class describing an event's `data`. */
export type EventPayloadClass<T extends object = object> = new () => T;

/** The payload class of each schema version of one event type. */
export type EventPayloadVersions = Readonly<Record<number, EventPayloadClass>>;

/** Payload classes by event type and version: what a service may publish and consume. */
export type EventPayloadClasses = Readonly<Partial<Record<EventType, EventPayloadVersions>>>;

/**
 * Every domain event's payload class per version. A breaking change adds a version here (the old
 * one stays for as long as it can be in flight); the `satisfies` makes a new DOMAIN_EVENTS entry
 * without a payload class a compile error.
 */
export const DOMAIN_EVENT_PAYLOADS = {
  [DOMAIN_EVENTS.deviceAllocated]: { 1: DeviceAllocatedEventData },
  [DOMAIN_EVENTS.deviceReleased]: { 1: DeviceReleasedEventData },
  [DOMAIN_EVENTS.deviceFailed]: { 1: DeviceFailedEventData },
  [DOMAIN_EVENTS.allocationExpiring]: { 1: AllocationExpiringEventData },
  [DOMAIN_EVENTS.allocationExpired]: { 1: AllocationExpiredEventData },
  [DOMAIN_EVENTS.allocationExtended]: { 1: AllocationExtendedEventData },
  [DOMAIN_EVENTS.allocationMoved]: { 1: AllocationMovedEventData },
  [DOMAIN_EVENTS.reservationConfirmed]: { 1: ReservationConfirmedEventData },
  [DOMAIN_EVENTS.reservationReminder]: { 1: ReservationReminderEventData },
  [DOMAIN_EVENTS.reservationCancelled]: { 1: ReservationCancelledEventData },
  [DOMAIN_EVENTS.reservationMissed]: { 1: ReservationMissedEventData },
  [DOMAIN_EVENTS.queueFulfilled]: { 1: QueueFulfilledEventData },
  [DOMAIN_EVENTS.queueExpired]: { 1: QueueExpiredEventData },
  [DOMAIN_EVENTS.queueRefused]: { 1: QueueRefusedEventData },
  [DOMAIN_EVENTS.billingUsageRecorded]: { 1: BillingUsageRecordedEventData },
  [DOMAIN_EVENTS.billingBalanceLow]: { 1: BillingBalanceLowEventData },
  [DOMAIN_EVENTS.billingOverdue]: { 1: BillingOverdueEventData },
  [DOMAIN_EVENTS.billingPaymentSucceeded]: { 1: BillingPaymentSucceededEventData },
  [DOMAIN_EVENTS.billingPaymentFailed]: { 1: BillingPaymentFailedEventData },
  [DOMAIN_EVENTS.billingInvoiceIssued]: { 1: BillingInvoiceIssuedEventData },
  [DOMAIN_EVENTS.billingInvoiceOverdue]: { 1: BillingInvoiceOverdueEventData },
  [DOMAIN_EVENTS.userDeleted]: { 1: UserDeletedEventData },
  [DOMAIN_EVENTS.userSuspended]: { 1: UserSuspendedEventData },
  [DOMAIN_EVENTS.userTierChanged]: { 1: UserTierChangedEventData },
  [DOMAIN_EVENTS.userRegistered]: { 1: UserRegisteredEventData },
  [DOMAIN_EVENTS.userVerified]: { 1: UserVerifiedEventData },
  [DOMAIN_EVENTS.userEmailVerificationRequested]: { 1: UserEmailVerificationRequestedEventData },
  [DOMAIN_EVENTS.userPasswordResetRequested]: { 1: UserPasswordResetRequestedEventData },
  [DOMAIN_EVENTS.userPasswordChanged]: { 1: UserPasswordChangedEventData },
  [DOMAIN_EVENTS.userLockedOut]: { 1: UserLockedOutEventData },
  [DOMAIN_EVENTS.allocationFailed]: { 1: AllocationFailedEventData },
  [DOMAIN_EVENTS.proxyAcquired]: { 1: ProxyAcquiredEventData },
  [DOMAIN_EVENTS.proxyReleased]: { 1: ProxyReleasedEventData },
  [DOMAIN_EVENTS.smsCodeReceived]: { 1: SmsCodeReceivedEventData },
  [DOMAIN_EVENTS.smsNumberExpired]: { 1: SmsNumberExpiredEventData },
} as const satisfies Record<DomainEventType, EventPayloadVersions>;

type DomainEventPayloads = typeof DOMAIN_EVENT_PAYLOADS;

/**
 * The `data` type of a domain event, e.g. `EventEnvelope<PayloadOf<'device.allocated'>>`; of one
 * version with `PayloadOf<'device.allocated', 1>`, else the union of all versions.
 */
export type PayloadOf<
  T extends DomainEventType,
  V extends keyof DomainEventPayloads[T] = keyof DomainEventPayloads[T],
> = DomainEventPayloads[T][V] extends EventPayloadClass<infer P> ? P : never;

export { DOMAIN_EVENTS, EVENT_TYPE_PATTERN } from './domain-events';
export type { DomainEventType, EventType } from './domain-events';
export type { EventEnvelope } from './event-envelope';
export { DOMAIN_EVENT_PAYLOADS } from './domain-event-payloads';
export type {
  EventPayloadClass,
  EventPayloadClasses,
  EventPayloadVersions,
  PayloadOf,
} from './domain-event-payloads';
export { EVENT_FIELD_LIMITS, IsEventTime, isEventTime } from './event-payload-fields';
export {
  AllocationExpiredEventData,
  AllocationExpiringEventData,
  BillingBalanceLowEventData,
  BillingOverdueEventData,
  BillingUsageRecordedEventData,
  DeviceAllocatedEventData,
  DeviceFailedEventData,
  DeviceReleasedEventData,
  UserDeletedEventData,
} from './event-payloads';
export type { AllocationEndReason } from './event-payloads';

export { DOMAIN_EVENTS, EVENT_TYPE_PATTERN } from './domain-events';
export type { DomainEventType, EventType } from './domain-events';
export type { EventEnvelope } from './event-envelope';
export type {
  AllocationEndReason,
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

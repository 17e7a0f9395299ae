export { EventPublisher } from './event-publisher.service';
export type { OutgoingEvent } from './outgoing-event';
export {
  type NewOutboxRow,
  outboxEventInsertSql,
  outboxEventParameters,
  type OutboxEventSql,
  outboxEventsFromSql,
  outboxEventsInsertSql,
  outboxEventsParameters,
  outboxPreparedEventsSql,
} from './outbox.repository';
export { OnEvent } from './on-event.decorator';
export { RenterEventsHandler } from './renter-events.handler';
export type { RenterEndReason } from './renter-events.handler';
export { UnprocessableEventError } from './unprocessable-event.error';
export { OUTBOX_DELIVERY_LEASE_MS, OutboxDeliveries } from './outbox-deliveries.service';
export {
  type BatchCall,
  type BatchItemAnswer,
  allocationItemAnswer,
  deliverAsBatch,
  type DeliveredMessage,
  type DeliverySummary,
  type DeliveryVerdict,
  deliverInSlices,
  deliveryVerdictOf,
  type NewOutboxMessage,
  type OutboxDestination,
  type OutboxMessage,
  outboxMessageId,
  verdictOfCall,
} from './outbox-message';
export {
  outboxMessageIdSql,
  type OutboxMessageSql,
  outboxMessagesInsertSql,
  outboxMessagesSettleSql,
} from './outbox-messages.repository';
export { InProcessEventBus } from './in-process-event.bus';
export { topicPatternMatches } from './topic-pattern';
export { isUuidText } from './uuid-text';

export { assertValidTopicPattern, topicPatternMatches } from './topic-pattern';
export { EventPublisher } from './event-publisher.service';
export { EventsMaintenanceService } from './events-maintenance.service';
export type { TrimResult } from './events-maintenance.service';
export { EventsModule } from './events.module';
export { OnEvent } from './on-event.decorator';
export { OutboxRelay } from './outbox-relay.service';
export type { OutgoingEvent } from './outgoing-event';
export { UnprocessableEventError } from './unprocessable-event.error';

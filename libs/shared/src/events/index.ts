export { EventPublisher } from './event-publisher.service';
export type { OutgoingEvent } from './outgoing-event';
export { OnEvent } from './on-event.decorator';
export { UnprocessableEventError } from './unprocessable-event.error';

export { EventPublisher } from './event-publisher.service';
export { OnEvent } from './on-event.decorator';
export { UnprocessableEventError } from './unprocessable-event.error';

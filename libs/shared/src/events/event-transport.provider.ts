import type { Provider } from '@nestjs/common';
import { BaseServiceConfig } from '../config/base-service.config';
import { MessagingConfig } from '../messaging/messaging.config';
import { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { EventBrokerClient } from './event-broker.client';
import { EventTransport } from './event-transport';
import { EventsConfig } from './events.config';
import { InProcessEventTransport } from './in-process-event.transport';
import { RabbitMqEventTransport } from './rabbitmq-event.transport';

/** The EventTransport EVENTS_TRANSPORT names; the RabbitMQ connection is null when it is `memory`. */
export const eventTransportProvider: Provider = {
  provide: EventTransport,
  inject: [BaseServiceConfig, MessagingConfig, EventsConfig, RabbitMqConnectionManager],
  useFactory: (
    service: BaseServiceConfig,
    messaging: MessagingConfig,
    events: EventsConfig,
    rabbitmq: RabbitMqConnectionManager | null,
  ): EventTransport =>
    messaging.eventsTransport === 'memory' || rabbitmq === null
      ? new InProcessEventTransport(
          events.eventsExchange,
          service.multiInstanceSignal(),
          events.eventsPublishConfirmTimeoutMs,
        )
      : new RabbitMqEventTransport(rabbitmq, new EventBrokerClient(rabbitmq, events)),
};

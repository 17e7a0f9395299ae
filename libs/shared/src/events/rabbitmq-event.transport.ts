import type { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import type { ConsumerTopology } from './consumer-topology';
import type { EventBrokerClient } from './event-broker.client';
import { EventQueueConsumer } from './event-queue.consumer';
import {
  type BrokerMessage,
  type DeliveryHandler,
  type EventSubscription,
  EventTransport,
  type PublishOutcome,
} from './event-transport';

/** Events through RabbitMQ: the topic exchange, quorum queues, delay queues and a dead-letter queue. */
export class RabbitMqEventTransport extends EventTransport {
  constructor(
    private readonly rabbitmq: RabbitMqConnectionManager,
    private readonly broker: EventBrokerClient,
  ) {
    super();
  }

  isAvailable(): boolean {
    return this.rabbitmq.isConnected();
  }

  onAvailable(listener: () => void): void {
    this.rabbitmq.on('connected', listener);
  }

  offAvailable(listener: () => void): void {
    this.rabbitmq.off('connected', listener);
  }

  publishAll(messages: BrokerMessage[]): Promise<PublishOutcome[]> {
    return this.broker.publishAll(messages);
  }

  subscribe(topology: ConsumerTopology, prefetch: number, handler: DeliveryHandler): EventSubscription {
    const consumer = new EventQueueConsumer(this.rabbitmq, topology, prefetch, handler);
    consumer.start();
    return consumer;
  }

  close(): Promise<void> {
    return this.broker.close();
  }
}

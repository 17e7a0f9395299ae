import type { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import type { ConsumerTopology } from './consumer-topology';
import type { DeadLetterPage, DeadLetterQueues, DeadLetterReplay, DeadLetterSelection } from './dead-letters';
import type { EventBrokerClient } from './event-broker.client';
import { EventQueueConsumer } from './event-queue.consumer';
import {
  type BrokerMessage,
  type DeliveryHandler,
  type EventSubscription,
  EventTransport,
  type PublishOutcome,
} from './event-transport';
import { RabbitMqDeadLetters } from './rabbitmq-dead-letters';

/** Events through RabbitMQ: the topic exchange, quorum queues, delay queues and a dead-letter queue. */
export class RabbitMqEventTransport extends EventTransport {
  private readonly deadLetters: RabbitMqDeadLetters;

  constructor(
    private readonly rabbitmq: RabbitMqConnectionManager,
    private readonly broker: EventBrokerClient,
  ) {
    super();
    this.deadLetters = new RabbitMqDeadLetters(rabbitmq);
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

  peekDeadLetters(queues: DeadLetterQueues, limit: number): Promise<DeadLetterPage> {
    return this.deadLetters.peek(queues, limit);
  }

  replayDeadLetters(queues: DeadLetterQueues, selection: DeadLetterSelection): Promise<DeadLetterReplay> {
    return this.deadLetters.replay(queues, selection);
  }

  close(): Promise<void> {
    return this.broker.close();
  }
}

import type { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { closeChannel } from './close-channel';
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
  type StaleQueueOutcome,
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

  async unbindStale(topology: ConsumerTopology): Promise<StaleQueueOutcome> {
    if (!this.rabbitmq.isConnected()) return 'unavailable';
    let channel;
    try {
      channel = await this.rabbitmq.createConfirmChannel();
    } catch {
      return 'unavailable';
    }
    // A missing queue closes the channel with 404: then there is nothing to unbind.
    channel.on('error', () => undefined);
    try {
      await channel.checkQueue(topology.queue);
    } catch {
      return 'no-queue';
    }
    try {
      for (const binding of topology.staleBindings) {
        await channel.unbindQueue(topology.queue, topology.exchange, binding);
      }
      return 'unbound';
    } catch {
      return 'unavailable';
    } finally {
      await closeChannel(channel);
    }
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

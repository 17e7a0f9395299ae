import { type Channel, type ChannelModel, connect, type ConsumeMessage } from 'amqplib';
import type { EventEnvelope } from '@cloudphone/contracts';
import { TEST_SERVERS } from './test-servers';
import { uniqueTestId } from './unique-test-id';

export interface ObservedMessage {
  envelope: EventEnvelope;
  message: ConsumeMessage;
  receivedAt: number;
}

/**
 * A test's own RabbitMQ connection: records what reaches a private queue bound to the exchange,
 * publishes raw messages, and deletes the exchange and queues of a test namespace at the end.
 */
export class EventObserver {
  readonly received: ObservedMessage[] = [];
  private readonly queues: string[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    readonly exchange: string,
  ) {}

  static async connect(exchange: string): Promise<EventObserver> {
    const connection = await connect(TEST_SERVERS.rabbitmqUrl);
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    return new EventObserver(connection, channel, exchange);
  }

  /** Binds a new private queue to `patterns` and records every message it receives. */
  async observe(...patterns: string[]): Promise<void> {
    const queue = uniqueTestId('observer');
    await this.channel.assertQueue(queue, { exclusive: true, durable: false });
    for (const pattern of patterns) await this.channel.bindQueue(queue, this.exchange, pattern);
    this.queues.push(queue);
    await this.channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const envelope = JSON.parse(message.content.toString()) as EventEnvelope;
        this.received.push({ envelope, message, receivedAt: Date.now() });
      },
      { noAck: true },
    );
  }

  /** Publishes raw bytes to the exchange, as a duplicate or a poison message would arrive. */
  async publishRaw(routingKey: string, content: Buffer, headers?: Record<string, unknown>): Promise<void> {
    this.channel.publish(this.exchange, routingKey, content, { persistent: true, headers });
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Removes every message of `queue` and returns them (parsed when they are JSON). */
  async drain(queue: string): Promise<Array<{ content: string; headers: Record<string, unknown> }>> {
    const drained: Array<{ content: string; headers: Record<string, unknown> }> = [];
    for (;;) {
      const message = await this.channel.get(queue, { noAck: true });
      if (!message) return drained;
      drained.push({ content: message.content.toString(), headers: message.properties.headers ?? {} });
    }
  }

  /** Whether `queue` exists (checked on a throwaway channel: a miss closes the channel). */
  async queueExists(queue: string): Promise<boolean> {
    const probe = await this.connection.createChannel();
    probe.on('error', () => undefined);
    try {
      await probe.checkQueue(queue);
      await probe.close();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * How many consumers `queue` has (0 when it does not exist). A consumer attaches only after its
   * bindings are made, so a test that publishes before this is positive may publish into no queue.
   */
  async consumerCount(queue: string): Promise<number> {
    const probe = await this.connection.createChannel();
    probe.on('error', () => undefined);
    try {
      const { consumerCount } = await probe.checkQueue(queue);
      await probe.close();
      return consumerCount;
    } catch {
      return 0;
    }
  }

  /**
   * Declares an existing durable `queue` again with `args`, on a throwaway channel: null when the
   * broker finds them equivalent to the queue's own, else its refusal (a PRECONDITION_FAILED naming
   * the argument that differs). Queue arguments cannot be read over AMQP; this is how to check them.
   */
  async redeclareRefusal(queue: string, args: Record<string, unknown>): Promise<string | null> {
    const probe = await this.connection.createChannel();
    probe.on('error', () => undefined);
    try {
      await probe.assertQueue(queue, { durable: true, arguments: args });
      await probe.close();
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Deletes the namespace's exchange and `queues`, then closes the connection. */
  async cleanUp(queues: string[]): Promise<void> {
    for (const queue of [...queues, ...this.queues])
      await this.channel.deleteQueue(queue).catch(() => undefined);
    await this.channel.deleteExchange(this.exchange).catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

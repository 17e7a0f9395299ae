import { once } from 'node:events';
import { Logger } from '@nestjs/common';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { EventsConfig } from './events.config';
import type { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { closeChannel } from './close-channel';
import type { BrokerMessage, PublishOutcome } from './event-transport';

/**
 * RabbitMQ's outcomes: `unroutable` is a message confirmed but returned because no queue is bound
 * (mandatory), `nacked` one the broker refused.
 *
 * Publishes events to the topic exchange on one confirm channel of the shared connection, with
 * `mandatory` set, and reports one outcome per message. The channel is opened lazily and again
 * after it closes.
 */
export class EventBrokerClient {
  private readonly logger = new Logger('EventBrokerClient');
  private channel: ConfirmChannel | null = null;
  private opening: Promise<ConfirmChannel> | null = null;
  // Message ids the broker returned as unroutable. A basic.return precedes the ack of its message.
  private readonly returned = new Set<string>();

  constructor(
    private readonly rabbitmq: RabbitMqConnectionManager,
    private readonly config: EventsConfig,
  ) {
    rabbitmq.on('disconnected', () => (this.channel = null));
  }

  /**
   * Publishes `messages` in order and resolves once each is confirmed or refused, or the confirm
   * timeout has passed (then the unsettled ones are `unknown` and the channel is discarded).
   * Rejects only when no channel can be opened (RabbitMQ unreachable).
   */
  async publishAll(messages: BrokerMessage[]): Promise<PublishOutcome[]> {
    const channel = await this.openChannel();
    const outcomes: Array<PublishOutcome | undefined> = new Array(messages.length);
    let unsettled = messages.length;
    let settleAll!: () => void;
    const allSettled = new Promise<void>((resolve) => (settleAll = resolve));
    const settle = (index: number, outcome: PublishOutcome) => {
      if (outcomes[index] !== undefined) return;
      outcomes[index] = outcome;
      unsettled -= 1;
      if (unsettled === 0) settleAll();
    };
    if (messages.length === 0) settleAll();
    for (const [index, message] of messages.entries()) {
      const writable = channel.publish(
        this.config.eventsExchange,
        message.routingKey,
        message.content,
        {
          mandatory: true,
          persistent: true,
          contentType: 'application/json',
          messageId: message.messageId,
          type: message.routingKey,
          headers: message.headers,
        },
        (error) => {
          // amqplib reports a nack as Error('message nacked') and a closed channel as another error.
          if (error) settle(index, error.message === 'message nacked' ? 'nacked' : 'unknown');
          else settle(index, this.returned.delete(message.messageId) ? 'unroutable' : 'confirmed');
        },
      );
      if (!writable)
        await Promise.race([once(channel, 'drain'), once(channel, 'close')]).catch(() => undefined);
      if (this.channel !== channel) {
        // The channel closed under us: what was not published yet is simply not sent.
        for (let rest = index + 1; rest < messages.length; rest += 1) settle(rest, 'unknown');
        break;
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      allSettled.then(() => false),
      new Promise<boolean>(
        (resolve) => (timer = setTimeout(() => resolve(true), this.config.eventsPublishConfirmTimeoutMs)),
      ),
    ]);
    clearTimeout(timer);
    if (timedOut) this.discard(channel, 'confirm timeout');
    for (const message of messages) this.returned.delete(message.messageId);
    return outcomes.map((outcome) => outcome ?? 'unknown');
  }

  /** Closes the channel (the connection belongs to RabbitMqConnectionManager). */
  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = null;
    if (channel) await closeChannel(channel);
  }

  private openChannel(): Promise<ConfirmChannel> {
    if (this.channel) return Promise.resolve(this.channel);
    this.opening ??= (async () => {
      try {
        const channel = await this.rabbitmq.createConfirmChannel();
        channel.on('return', (message: ConsumeMessage) => {
          const id = message.properties.messageId as string | undefined;
          if (id) this.returned.add(id);
        });
        channel.on('error', (error: Error) =>
          this.logger.warn({ msg: 'event publish channel error', error: error.message }),
        );
        channel.on('close', () => {
          if (this.channel === channel) this.channel = null;
        });
        await channel.assertExchange(this.config.eventsExchange, 'topic', { durable: true });
        this.channel = channel;
        return channel;
      } finally {
        this.opening = null;
      }
    })();
    return this.opening;
  }

  private discard(channel: ConfirmChannel, reason: string): void {
    if (this.channel === channel) this.channel = null;
    this.logger.warn({ msg: 'discarding event publish channel', reason });
    void closeChannel(channel);
  }
}

import { Logger } from '@nestjs/common';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { closeChannel } from './close-channel';
import { copyOptions } from './copy-options';
import type { ConsumerTopology } from './consumer-topology';
import type { DeliveryDecision } from './event-dispatcher.service';

/** Our attempt counter on a delivery (the broker's x-death history is not ours to count). */
export const ATTEMPT_HEADER = 'x-attempt';
const MAX_SETUP_BACKOFF_MS = 30000;

/**
 * The AMQP side of a service's consumer: declares the exchange, the quorum queue with its
 * delivery limit, the delay queues and the dead-letter queue; consumes with manual ack and
 * prefetch; and carries out the dispatcher's decision. A retry is a copy published (with confirm)
 * to a delay queue whose TTL dead-letters it back to this service's queue only, then the original
 * is acked, so a failing message never sits at the head of the queue. Re-declares everything after
 * each reconnect.
 */
export class EventQueueConsumer {
  private readonly logger = new Logger('EventQueueConsumer');
  private channel: ConfirmChannel | null = null;
  private consumerTag: string | null = null;
  private settingUp: Promise<void> | null = null;
  private setupFailures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly onConnected = () => void this.setUp();

  constructor(
    private readonly rabbitmq: RabbitMqConnectionManager,
    private readonly topology: ConsumerTopology,
    private readonly prefetch: number,
    private readonly dispatch: (content: Buffer, attempt: number) => Promise<DeliveryDecision>,
  ) {}

  start(): void {
    this.stopped = false;
    this.rabbitmq.on('connected', this.onConnected);
    if (this.rabbitmq.isConnected()) void this.setUp();
  }

  /** Stops taking deliveries, lets the ones in progress finish (up to `timeoutMs`), closes the channel. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.rabbitmq.off('connected', this.onConnected);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.settingUp;
    const channel = this.channel;
    if (channel && this.consumerTag)
      await Promise.race([channel.cancel(this.consumerTag).catch(() => undefined), delay(2000)]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    this.channel = null;
    // Deliveries still unacknowledged return to the queue when the channel closes.
    if (channel) await closeChannel(channel);
  }

  private setUp(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.settingUp ??= this.declareAndConsume()
      .then(() => (this.setupFailures = 0))
      .catch((error: Error) => {
        this.setupFailures += 1;
        this.logger.error({
          msg: 'event consumer setup failed',
          queue: this.topology.queue,
          error: error.message,
        });
        this.scheduleSetUp();
      })
      .then(() => {
        this.settingUp = null;
      });
    return this.settingUp;
  }

  private scheduleSetUp(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(500 * 2 ** Math.min(this.setupFailures, 6), MAX_SETUP_BACKOFF_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.rabbitmq.isConnected()) void this.setUp();
    }, delay);
  }

  private async declareAndConsume(): Promise<void> {
    const { exchange, queue, deadLetterQueue, retryQueues, patterns, staleBindings, deliveryLimit } =
      this.topology;
    const channel = await this.rabbitmq.createConfirmChannel();
    channel.on('error', (error: Error) =>
      this.logger.warn({ msg: 'event consumer channel error', error: error.message }),
    );
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = null;
      this.consumerTag = null;
      // A channel-level error closed it while the connection lives: declare and consume again.
      if (!this.stopped && this.rabbitmq.isConnected()) this.scheduleSetUp();
    });
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertQueue(deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        // A delivery returned this many times (consumer crash, lost channel) is dead-lettered
        // by the broker, so even a message that kills the process cannot loop for ever.
        'x-delivery-limit': deliveryLimit,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': deadLetterQueue,
      },
    });
    for (const retry of retryQueues) {
      await channel.assertQueue(retry.name, {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-message-ttl': retry.delayMs,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': queue,
        },
      });
    }
    for (const pattern of patterns) await channel.bindQueue(queue, exchange, pattern);
    for (const binding of staleBindings) await channel.unbindQueue(queue, exchange, binding);
    await channel.prefetch(this.prefetch);
    this.channel = channel;
    const { consumerTag } = await channel.consume(queue, (message) => this.onMessage(channel, message), {
      noAck: false,
    });
    this.consumerTag = consumerTag;
    this.logger.log({ msg: 'event consumer started', queue, patterns, prefetch: this.prefetch });
  }

  private onMessage(channel: ConfirmChannel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer (queue deleted): declare it again.
      this.logger.warn({ msg: 'event consumer cancelled by RabbitMQ', queue: this.topology.queue });
      if (this.channel === channel) {
        this.channel = null;
        void closeChannel(channel);
        this.scheduleSetUp();
      }
      return;
    }
    const work = this.handle(channel, message).catch((error: Error) =>
      this.logger.error({ msg: 'event delivery could not be settled', error: error.message }),
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const headers = message.properties.headers ?? {};
    const attempt = Math.max(1, Number(headers[ATTEMPT_HEADER] ?? 1) || 1);
    const decision = await this.dispatch(message.content, attempt);
    if (decision.action === 'ack') {
      channel.ack(message);
      return;
    }
    const target =
      decision.action === 'retry'
        ? this.topology.retryQueues[decision.retryIndex].name
        : this.topology.deadLetterQueue;
    const extraHeaders =
      decision.action === 'retry'
        ? { [ATTEMPT_HEADER]: decision.nextAttempt, 'x-last-error': truncate(decision.error) }
        : {
            [ATTEMPT_HEADER]: decision.attempts,
            'x-last-error': truncate(decision.error),
            'x-dead-letter-reason': decision.reason,
            'x-failed-at': new Date().toISOString(),
          };
    try {
      await this.sendToQueue(channel, target, message, { ...withoutDeathHeaders(headers), ...extraHeaders });
      channel.ack(message);
    } catch (error) {
      // The copy is not safely stored: return the original to the queue (this counts towards the
      // delivery limit). If the channel is gone, the broker requeues it by itself.
      this.logger.warn({
        msg: 'could not move failed event; requeued',
        target,
        error: (error as Error).message,
      });
      if (this.channel === channel) channel.nack(message, false, true);
    }
  }

  private sendToQueue(
    channel: ConfirmChannel,
    queue: string,
    message: ConsumeMessage,
    headers: Record<string, unknown>,
  ): Promise<void> {
    const options = copyOptions(message.properties, headers);
    return new Promise((resolve, reject) => {
      channel.sendToQueue(queue, message.content, options, (error) => (error ? reject(error) : resolve()));
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function truncate(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

// The broker's own dead-letter history; our copies carry our attempt counter instead.
function withoutDeathHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (key !== 'x-death' && !key.startsWith('x-first-death') && !key.startsWith('x-last-death'))
      copy[key] = value;
  }
  return copy;
}

import type { ConfirmChannel, GetMessage } from 'amqplib';
import type { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { closeChannel } from './close-channel';
import { copyOptions } from './copy-options';
import { ATTEMPT_HEADER } from './event-queue.consumer';
import type {
  DeadLetter,
  DeadLetterPage,
  DeadLetterQueues,
  DeadLetterReplay,
  DeadLetterSelection,
} from './dead-letters';

/**
 * Reading and replaying a service's dead-letter queue on RabbitMQ. Nothing is ever returned to the
 * queue by a reject or a channel close: on a RabbitMQ 4.0–4.2 quorum queue each return counts as a
 * delivery, and the default delivery limit (20) would silently drop a dead letter an operator
 * listed twenty times. Every message read is instead written again (to the back of the dead-letter
 * queue, or to the service's queue for a replay), confirmed, and only then acknowledged. Listing
 * therefore moves the listed letters to the back (successive lists page through the queue); a crash
 * between the copy and the ack leaves a duplicate, which a replay hands to the inbox, which drops it.
 */
export class RabbitMqDeadLetters {
  constructor(private readonly rabbitmq: RabbitMqConnectionManager) {}

  async peek(queues: DeadLetterQueues, limit: number): Promise<DeadLetterPage> {
    return this.withChannel(async (channel) => {
      const total = await messageCount(channel, queues.deadLetterQueue);
      const moves: Move[] = [];
      for (let read = 0; read < Math.min(total, limit); read++) {
        const message = await channel.get(queues.deadLetterQueue, { noAck: false });
        if (!message) break;
        moves.push({ message, queue: queues.deadLetterQueue, headers: message.properties.headers ?? {} });
      }
      await moveAll(channel, moves);
      return { queue: queues.deadLetterQueue, total, letters: moves.map(({ message }) => describe(message)) };
    });
  }

  async replay(queues: DeadLetterQueues, selection: DeadLetterSelection): Promise<DeadLetterReplay> {
    return this.withChannel(async (channel) => {
      const total = await messageCount(channel, queues.deadLetterQueue);
      const wanted = selection.messageIds ? new Set(selection.messageIds) : null;
      const moves: Move[] = [];
      const replayed: string[] = [];
      // With ids, look at each message once (the skipped ones go to the back); else take the first.
      const toRead = wanted ? total : Math.min(total, selection.limit);
      for (let read = 0; read < toRead && replayed.length < selection.limit; read++) {
        const message = await channel.get(queues.deadLetterQueue, { noAck: false });
        if (!message) break;
        const id = String(message.properties.messageId ?? envelopeField(message, 'id'));
        const headers = message.properties.headers ?? {};
        if (wanted && !wanted.has(id)) {
          moves.push({ message, queue: queues.deadLetterQueue, headers });
        } else {
          const fresh = { ...headers, [ATTEMPT_HEADER]: 1, 'x-replayed-at': new Date().toISOString() };
          moves.push({ message, queue: queues.queue, headers: fresh });
          replayed.push(id);
        }
      }
      await moveAll(channel, moves);
      return { queue: queues.deadLetterQueue, replayed, remaining: total - replayed.length };
    });
  }

  private async withChannel<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    const channel = await this.rabbitmq.createConfirmChannel();
    // A failed operation (a queue that does not exist) closes the channel; its error is the one thrown.
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await closeChannel(channel);
    }
  }
}

/** Messages in `queue`, 0 when the service never declared it (it has no event handlers). */
async function messageCount(channel: ConfirmChannel, queue: string): Promise<number> {
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return 0;
    throw error;
  }
}

interface Move {
  message: GetMessage;
  queue: string;
  headers: Record<string, unknown>;
}

/**
 * Writes each message to its target queue, waits for the broker to confirm every copy, and only
 * then acknowledges the originals: a failure before that leaves the originals where they were.
 */
async function moveAll(channel: ConfirmChannel, moves: Move[]): Promise<void> {
  for (const { message, queue, headers } of moves) {
    const options = copyOptions(message.properties, headers);
    channel.sendToQueue(queue, message.content, options);
  }
  await channel.waitForConfirms();
  for (const { message } of moves) channel.ack(message);
}

function describe(message: GetMessage): DeadLetter {
  const headers = message.properties.headers ?? {};
  const death = Array.isArray(headers['x-death'])
    ? (headers['x-death'][0] as { reason?: string })
    : undefined;
  return {
    messageId: String(message.properties.messageId ?? envelopeField(message, 'id')),
    type: String(message.properties.type ?? envelopeField(message, 'type')),
    reason: String(headers['x-dead-letter-reason'] ?? death?.reason ?? 'unknown'),
    attempts: Number(headers[ATTEMPT_HEADER] ?? 0),
    lastError: String(headers['x-last-error'] ?? ''),
    failedAt: typeof headers['x-failed-at'] === 'string' ? headers['x-failed-at'] : null,
  };
}

/** A field of the event envelope, for a message published without AMQP properties (by hand, say). */
function envelopeField(message: GetMessage, field: 'id' | 'type'): string {
  try {
    const value = (JSON.parse(message.content.toString('utf8')) as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}

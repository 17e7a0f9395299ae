import { randomUUID } from 'node:crypto';
import type { ConsumerTopology } from '../events/consumer-topology';
import type { DeliveryDecision } from '../events/event-dispatcher.service';
import type { BrokerMessage } from '../events/event-transport';

export { deferred } from './deferred';
export type { Deferred } from './deferred';

// Fixtures of the in-process event bus specs (libs/shared/src/events/in-process-event.*.spec.ts).
export const ACK: DeliveryDecision = { action: 'ack' };

export function uniqueExchange(): string {
  return `test.${Math.random()}`;
}

export function topology(queue: string, patterns: string[], retryDelaysMs: number[] = [5]): ConsumerTopology {
  return {
    exchange: 'test',
    queue,
    deadLetterQueue: `${queue}.dlq`,
    retryQueues: retryDelaysMs.map((delayMs) => ({ name: `${queue}.retry.${delayMs}ms`, delayMs })),
    patterns,
    staleBindings: [],
    deliveryLimit: 5,
  };
}

export function message(routingKey: string, messageId: string = randomUUID()): BrokerMessage {
  return { routingKey, messageId, content: Buffer.from(JSON.stringify({ id: messageId, type: routingKey })) };
}

export function typeOf(content: Buffer): string {
  return (JSON.parse(content.toString()) as { type: string }).type;
}

/** True when `promise` has not settled once every pending microtask (and I/O callback) has run. */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([promise, new Promise((resolve) => setImmediate(() => resolve(marker)))]);
  return winner === marker;
}

export async function waitFor(condition: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

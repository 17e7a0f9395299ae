import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@cloudphone/contracts';
import { consumerQueueNames } from './consumer-queue-names';
import type { EventObserver } from './event-observer';
import { waitFor } from './wait-for';

/**
 * Publishes a domain event on a test namespace's exchange as another service would, once
 * `service`'s consumer is bound to its queue (earlier, the event would reach no queue).
 */
export async function publishEventTo<T>(
  observer: EventObserver,
  target: { namespace: string; service: string },
  type: string,
  data: T,
): Promise<void> {
  const [queue] = consumerQueueNames(target.namespace, target.service, []);
  await waitFor(async () => (await observer.consumerCount(queue)) > 0, {
    timeoutMs: 10_000,
    description: `${target.service} consuming its queue`,
  });
  const envelope: EventEnvelope<T> = {
    id: randomUUID(),
    type: type as EventEnvelope['type'],
    version: 1,
    occurredAt: new Date().toISOString(),
    source: 'test',
    data,
  };
  await observer.publishRaw(type, Buffer.from(JSON.stringify(envelope)));
}

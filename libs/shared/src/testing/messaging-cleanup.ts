import { consumerQueueNames } from './consumer-queue-names';
import { EventObserver } from './event-observer';

/** The consumer retry delays a service uses unless EVENTS_CONSUMER_RETRY_DELAYS_MS says otherwise. */
const DEFAULT_RETRY_DELAYS_MS = [1000, 5000, 30000, 120000];

/**
 * Deletes the exchange of a test's messaging namespace and the queues the given services' consumers
 * declared in it (durable queues outlive the processes, so a test that booted a consuming service
 * removes them itself).
 */
export async function deleteMessagingNamespace(namespace: string, services: string[]): Promise<void> {
  const observer = await EventObserver.connect(`${namespace}.events`);
  await observer.cleanUp(
    services.flatMap((service) => consumerQueueNames(namespace, service, DEFAULT_RETRY_DELAYS_MS)),
  );
}

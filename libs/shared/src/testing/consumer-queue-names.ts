/**
 * The queues a service's event consumer declares in a test namespace (its queue, dead-letter queue
 * and one delay queue per EVENTS_CONSUMER_RETRY_DELAYS_MS entry), to delete with
 * `EventObserver.cleanUp`. Deleting a queue that was never declared is harmless.
 */
export function consumerQueueNames(
  namespace: string,
  serviceName: string,
  retryDelaysMs: readonly number[],
): string[] {
  const queue = `${namespace}.${serviceName}`;
  return [queue, `${queue}.dlq`, ...retryDelaysMs.map((delayMs) => `${queue}.retry.${delayMs}ms`)];
}

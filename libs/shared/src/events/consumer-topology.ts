import { DOMAIN_EVENTS } from '@cloudphone/contracts';
import type { EventsConfig } from './events.config';
import { topicPatternMatches } from './topic-pattern';

export interface RetryQueue {
  name: string;
  delayMs: number;
}

/** Exchange, queues and bindings of one service's consumer. */
export interface ConsumerTopology {
  exchange: string;
  /** `<queuePrefix>.<serviceName>`: durable quorum queue bound to the handlers' patterns. */
  queue: string;
  /** `<queue>.dlq`: failed and poison deliveries, kept for inspection and replay. */
  deadLetterQueue: string;
  /** One delay queue per retry step: messages wait there (TTL) and dead-letter back to `queue`. */
  retryQueues: RetryQueue[];
  patterns: string[];
  /**
   * Event types no pattern here takes: unbound at start, since an earlier version of the service may
   * have bound one (device-service bound `billing.usage_recorded`, billing-service the allocation
   * events), and its queue would go on receiving events no handler takes. Unbinding what is not
   * bound is a no-op.
   */
  staleBindings: string[];
  deliveryLimit: number;
}

/** The delays between attempts of a failing handler, from EVENTS_CONSUMER_RETRY_DELAYS_MS. */
export function consumerRetryDelays(config: EventsConfig): number[] {
  return config.eventsConsumerRetryDelaysMs.split(',').map(Number);
}

/**
 * Names the service's queues. Delay queues are named after their delay, so changing the delays in
 * config declares new queues instead of clashing with the TTL of existing ones.
 */
export function consumerTopology(
  serviceName: string,
  config: EventsConfig,
  patterns: string[],
): ConsumerTopology {
  const queue = `${config.queuePrefix}.${serviceName}`;
  return {
    exchange: config.eventsExchange,
    queue,
    deadLetterQueue: `${queue}.dlq`,
    retryQueues: consumerRetryDelays(config).map((delayMs) => ({
      name: `${queue}.retry.${delayMs}ms`,
      delayMs,
    })),
    patterns: [...new Set(patterns)].sort(),
    staleBindings: Object.values(DOMAIN_EVENTS).filter(
      (type) => !patterns.some((pattern) => topicPatternMatches(pattern, type)),
    ),
    deliveryLimit: config.eventsConsumerDeliveryLimit,
  };
}

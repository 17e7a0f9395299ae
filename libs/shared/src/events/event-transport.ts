import type { ConsumerTopology } from './consumer-topology';
import type { DeadLetterPage, DeadLetterQueues, DeadLetterReplay, DeadLetterSelection } from './dead-letters';
import type { DeliveryDecision } from './event-dispatcher.service';

export interface BrokerMessage {
  routingKey: string;
  messageId: string;
  content: Buffer;
  headers?: Record<string, unknown>;
}

/**
 * `confirmed`: the transport took the message for every bound queue. `unroutable`: no queue is
 * bound to its type. `nacked`: refused. `unknown`: no answer in time (the channel closed or the
 * confirm timed out), so it may or may not have been taken; the outbox sends it again.
 */
export type PublishOutcome = 'confirmed' | 'unroutable' | 'nacked' | 'unknown';

/** Handles one delivery: the consumer's dispatcher, which answers ack, retry or dead-letter. */
export type DeliveryHandler = (content: Buffer, attempt: number) => Promise<DeliveryDecision>;

/** What `unbindStale` found. */
export type StaleQueueOutcome = 'unbound' | 'no-queue' | 'unavailable';

export interface EventSubscription {
  /** Stops taking deliveries and lets the ones in progress finish, up to `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * Where the outbox relay publishes and consumers take deliveries: RabbitMQ (EVENTS_TRANSPORT=
 * rabbitmq), or the standalone mode's bus inside the process (memory). The outbox, the inbox and
 * the dispatcher are the same for both, so delivery stays at least once and handling exactly once.
 */
export abstract class EventTransport {
  /** True when a publish can be tried now (the relay backs off while it is false). */
  abstract isAvailable(): boolean;
  /** `listener` runs whenever the transport becomes available again (e.g. RabbitMQ reconnected). */
  abstract onAvailable(listener: () => void): void;
  abstract offAvailable(listener: () => void): void;
  /** One outcome per message, in order; rejects only when the transport cannot be reached at all. */
  abstract publishAll(messages: BrokerMessage[]): Promise<PublishOutcome[]>;
  abstract subscribe(
    topology: ConsumerTopology,
    prefetch: number,
    handler: DeliveryHandler,
  ): EventSubscription;
  /**
   * For a service with no handlers left: if an earlier version left its queue, unbinds the queue's
   * `staleBindings`, so it stops filling with events nobody takes (what it holds stays, for an
   * operator). `unavailable` when the transport could not be reached: try again once it is.
   */
  abstract unbindStale(topology: ConsumerTopology): Promise<StaleQueueOutcome>;
  /** The first `limit` deliveries the service's consumer gave up on, and how many there are. */
  abstract peekDeadLetters(queues: DeadLetterQueues, limit: number): Promise<DeadLetterPage>;
  /** Sends dead letters back to the service's own queue (no other service sees them again). */
  abstract replayDeadLetters(
    queues: DeadLetterQueues,
    selection: DeadLetterSelection,
  ): Promise<DeadLetterReplay>;
  /** Releases what publishing holds (the connection itself belongs to its manager). */
  abstract close(): Promise<void>;
}

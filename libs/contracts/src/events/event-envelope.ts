import type { EventType } from './domain-events';

/**
 * The JSON body of every domain event on the `cloudphone.events` topic exchange. The routing key
 * equals `type`. Consumers deduplicate on `id`; a breaking change to `data` bumps `version`, and
 * consumers accept the old and the new version for as long as both can be in flight.
 */
export interface EventEnvelope<T = unknown> {
  /** Unique event id (uuid), the deduplication key of every consumer's inbox. */
  id: string;
  /** `<aggregate>.<event>`, e.g. `device.allocated`; also the AMQP routing key. */
  type: EventType;
  /** Schema version of `data`, starting at 1. */
  version: number;
  /** ISO-8601 time of the change, from the publisher's database clock (its transaction time). */
  occurredAt: string;
  /** Name of the publishing service, e.g. `device-service`. */
  source: string;
  data: T;
}

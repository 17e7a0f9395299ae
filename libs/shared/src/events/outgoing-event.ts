import type { EventType } from '@cloudphone/contracts';

/** An event to publish; the outbox completes it into an `EventEnvelope`. */
export interface OutgoingEvent<T = unknown> {
  /** `<aggregate>.<event>`, e.g. `device.allocated` (see DOMAIN_EVENTS). */
  type: EventType;
  /**
   * Id of the aggregate the event is about (for `device.*` the device id). Events of one aggregate
   * (the type's first word plus this id) are sent in the order they were committed.
   */
  aggregateId: string;
  data: T;
  /** Schema version of `data`; default 1. */
  version?: number;
  /** Event id (uuid); default a random one. Pass a deterministic id to make a publish idempotent. */
  id?: string;
}

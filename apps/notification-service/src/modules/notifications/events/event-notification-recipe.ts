import type { EventEnvelope } from '@cloudphone/contracts';

/** Title and body a user reads. */
export interface NotificationText {
  title: string;
  body: string;
}

/**
 * How one event type becomes an in-app notification: which schema versions it has text for, the
 * identity of the fact it reports, and the text. `data` arrives validated against its contract
 * class (libs/contracts/src/events) by the consumer framework.
 */
export interface EventNotificationRecipe<T extends { userId: string }> {
  /**
   * `data` versions this recipe has text for. A version the contracts know but this recipe does not
   * (a publisher upgraded first) is acknowledged and counted as ignored.
   */
  versions: readonly number[];
  /**
   * Natural key of the fact the event reports, unique per event type: the same fact published again
   * under a new envelope id must give the same key, so it never produces a second notification.
   */
  sourceKey(data: T, event: EventEnvelope): string;
  /** Source keys of notifications that make this one pointless when they already exist. */
  supersededBy?(data: T): string[];
  text(data: T): NotificationText;
  /**
   * For events that report a failure: its code, counted for the operators' error digest (a burst of
   * one code is one line of one email).
   */
  failureCode?(data: T): string;
}

import type { EventEnvelope } from '@cloudphone/contracts';

/** Title and body a user reads. */
export interface NotificationText {
  title: string;
  body: string;
}

/**
 * How one event type becomes an in-app notification: which schema versions are understood, the
 * class-validator class its `data` must satisfy, the identity of the fact it reports, and the text.
 */
export interface EventNotificationRecipe<T extends { userId: string }> {
  /** `data` versions this recipe understands; any other version is acknowledged and ignored. */
  versions: readonly number[];
  /** Validation class of `data` (extra fields are allowed: additive changes keep the version). */
  payload: new () => T;
  /**
   * Natural key of the fact the event reports, unique per event type: the same fact published again
   * under a new envelope id must give the same key, so it never produces a second notification.
   */
  sourceKey(data: T, event: EventEnvelope): string;
  /** Source keys of notifications that make this one pointless when they already exist. */
  supersededBy?(data: T): string[];
  text(data: T): NotificationText;
}

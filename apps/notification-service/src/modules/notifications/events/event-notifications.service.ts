import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@cloudphone/contracts';
import { afterCommit } from '@cloudphone/shared';
import { NotificationsMetrics, type IgnoredEventReason } from '../notifications.metrics';
import { NotificationsRepository } from '../notifications.repository';
import type { EventNotificationRecipe } from './event-notification-recipe';

/**
 * Turns one consumed event into at most one notification, inside the delivery's transaction:
 * ignores versions it has no text for and skips facts that were already notified. Malformed
 * payloads never get here: the consumer framework dead-letters them (reason invalid_payload).
 */
@Injectable()
export class EventNotificationsService {
  private readonly logger = new Logger('EventNotifications');

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly metrics: NotificationsMetrics,
  ) {}

  async record<T extends { userId: string }>(
    event: EventEnvelope<T>,
    recipe: EventNotificationRecipe<T>,
  ): Promise<void> {
    if (!recipe.versions.includes(event.version)) {
      this.logger.warn({
        msg: 'event version not understood; acknowledged without a notification',
        eventId: event.id,
        type: event.type,
        version: event.version,
        understood: recipe.versions,
      });
      return this.ignored(event, 'unknown_version');
    }
    const data = event.data;
    const superseding = recipe.supersededBy?.(data) ?? [];
    if (superseding.length > 0 && (await this.notifications.anyWithSourceKey(superseding))) {
      this.logger.log({
        msg: 'event superseded by an existing notification; skipped',
        eventId: event.id,
        type: event.type,
      });
      return this.ignored(event, 'stale');
    }
    const { title, body } = recipe.text(data);
    const id = await this.notifications.insertFromEvent({
      userId: data.userId,
      type: event.type,
      title,
      body,
      data: { ...data },
      sourceKey: recipe.sourceKey(data, event),
      sourceEventId: event.id,
    });
    if (!id) {
      this.logger.log({ msg: 'event already notified; skipped', eventId: event.id, type: event.type });
      return this.ignored(event, 'already_notified');
    }
    await afterCommit(() => {
      this.metrics.created.inc({ type: event.type });
      this.logger.log({
        msg: 'notification created',
        notificationId: id,
        userId: data.userId,
        type: event.type,
        eventId: event.id,
      });
    });
  }

  /**
   * Acknowledges an event meant for the email channel only: no inbox row. Only ids and the type are
   * logged, never `data`, which may hold a single-use token.
   */
  async acknowledgeEmailOnly(event: EventEnvelope<{ userId: string }>): Promise<void> {
    this.logger.log({
      msg: 'email-only event acknowledged; no inbox notification',
      eventId: event.id,
      userId: event.data.userId,
      type: event.type,
    });
    return this.ignored(event, 'email_only');
  }

  private ignored(event: EventEnvelope<unknown>, reason: IgnoredEventReason): Promise<void> {
    return afterCommit(() => this.metrics.eventsIgnored.inc({ type: event.type, reason }));
  }
}

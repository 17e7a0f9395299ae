import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@cloudphone/contracts';
import { afterCommit } from '@cloudphone/shared';
import { type DeliveryPayload, NotificationDispatcher } from '../../deliveries';
import { ErrorLog } from '../../error-log';
import { NotificationsMetrics, type IgnoredEventReason } from '../notifications.metrics';
import { NotificationsRepository } from '../notifications.repository';
import type { EventNotificationRecipe, NotificationText } from './event-notification-recipe';

/**
 * Turns one consumed event into at most one notification, inside the delivery's transaction:
 * ignores versions it has no text for and skips facts that were already notified. A new
 * notification is handed to the dispatcher in the same transaction, for the email, webhook and push
 * deliveries the user's preferences choose. Malformed payloads never get here: the consumer
 * framework dead-letters them (reason invalid_payload).
 */
@Injectable()
export class EventNotificationsService {
  private readonly logger = new Logger('EventNotifications');

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly metrics: NotificationsMetrics,
    private readonly dispatcher: NotificationDispatcher,
    private readonly errors: ErrorLog,
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
    const sourceKey = recipe.sourceKey(data, event);
    const id = await this.notifications.insertFromEvent({
      userId: data.userId,
      type: event.type,
      title,
      body,
      data: { ...data },
      sourceKey,
      sourceEventId: event.id,
    });
    if (!id) {
      this.logger.log({ msg: 'event already notified; skipped', eventId: event.id, type: event.type });
      return this.ignored(event, 'already_notified');
    }
    const failureCode = recipe.failureCode?.(data);
    if (failureCode) await this.errors.record(`event:${event.type}`, failureCode, `${sourceKey}: ${body}`);
    await this.dispatcher.dispatch({
      userId: data.userId,
      eventType: event.type,
      sourceKey,
      payload: {
        notificationId: id,
        title,
        body,
        data: { ...data },
        occurredAt: event.occurredAt,
        ...emailOf(data),
      },
    });
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
   * An event for the email channel only (a token email): no inbox row, one email delivery per event
   * id, its content dropped once it settles. Only ids and the type are logged, never `data`.
   */
  async emailOnly(
    event: EventEnvelope<{ userId: string; email: string; displayName: string }>,
    text: NotificationText,
  ): Promise<void> {
    await this.dispatcher.dispatch({
      userId: event.data.userId,
      eventType: event.type,
      sourceKey: `${event.type}:${event.id}`,
      sensitive: true,
      payload: { ...text, data: { ...event.data }, occurredAt: event.occurredAt, ...emailOf(event.data) },
    });
    this.logger.log({
      msg: 'email-only event queued for email; no inbox notification',
      eventId: event.id,
      userId: event.data.userId,
      type: event.type,
    });
    return this.ignored(event, 'email_only');
  }

  /** An event with no notification of any kind (`user.registered`: the verification email greets). */
  acknowledgeOnly(event: EventEnvelope<{ userId: string }>): Promise<void> {
    this.logger.log({ msg: 'event acknowledged; nothing to notify', eventId: event.id, type: event.type });
    return this.ignored(event, 'nothing_to_notify');
  }

  private ignored(event: EventEnvelope<unknown>, reason: IgnoredEventReason): Promise<void> {
    return afterCommit(() => this.metrics.eventsIgnored.inc({ type: event.type, reason }));
  }
}

/** The address a security event carries, for its email; other events' addresses are looked up when sent. */
function emailOf(data: object): Pick<DeliveryPayload, 'email'> {
  const { email, displayName } = data as { email?: unknown; displayName?: unknown };
  return typeof email === 'string' && typeof displayName === 'string'
    ? { email: { address: email, displayName } }
    : {};
}

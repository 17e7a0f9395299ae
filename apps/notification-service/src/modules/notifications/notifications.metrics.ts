import { Injectable } from '@nestjs/common';
import { MetricsService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';

/**
 * Why an event produced no notification (a malformed one is dead-lettered, not ignored).
 * `email_only`: a token email event (verification or reset): emailed, never in the inbox.
 * `nothing_to_notify`: `user.registered` (the verification email greets the new user).
 */
export type IgnoredEventReason =
  'unknown_version' | 'already_notified' | 'stale' | 'email_only' | 'nothing_to_notify';

/** Prometheus metrics of the inbox fed by domain events. */
@Injectable()
export class NotificationsMetrics {
  readonly created: Counter<'type'>;
  readonly eventsIgnored: Counter<'type' | 'reason'>;

  constructor(metrics: MetricsService) {
    this.created = metrics.counter({
      name: 'cloudphone_notifications_created_total',
      help: 'In-app notifications stored, by the event type they report',
      labelNames: ['type'],
    });
    this.eventsIgnored = metrics.counter({
      name: 'cloudphone_notifications_events_ignored_total',
      help: 'Consumed events that produced no notification: unknown_version, already_notified, stale, email_only, nothing_to_notify',
      labelNames: ['type', 'reason'],
    });
  }
}

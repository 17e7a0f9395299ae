import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { NotificationsRepository } from '../notifications.repository';

/**
 * Inbox backlog: unread notifications per type and the age of the oldest, refreshed once a minute
 * by whichever replica wins the tick; a growing age means users are not reading or push is broken.
 */
@Injectable()
export class UnreadNotificationsMetricsJob {
  private readonly logger = new Logger('UnreadNotificationsMetricsJob');
  private readonly unreadGauge: Gauge<'type'>;
  private readonly oldestAgeGauge: Gauge<'type'>;

  constructor(
    private readonly notifications: NotificationsRepository,
    metrics: MetricsService,
  ) {
    this.unreadGauge = metrics.gauge({
      name: 'cloudphone_notifications_unread',
      help: 'Unread in-app notifications by type (unread-notifications-metrics job)',
      labelNames: ['type'],
    });
    this.oldestAgeGauge = metrics.gauge({
      name: 'cloudphone_notifications_unread_oldest_age_seconds',
      help: 'Age of the oldest unread notification by type (unread-notifications-metrics job)',
      labelNames: ['type'],
    });
  }

  @ClusterSafeCron('* * * * *', { name: 'unread-notifications-metrics', maxRunMs: 30_000, jitterMs: 3000 })
  async collect({ signal }: CronRunContext): Promise<void> {
    const rows = await this.notifications.summarizeUnreadByType();
    signal.throwIfAborted();
    this.unreadGauge.reset();
    this.oldestAgeGauge.reset();
    for (const row of rows) {
      this.unreadGauge.set({ type: row.type }, row.count);
      this.oldestAgeGauge.set({ type: row.type }, row.oldestAgeSeconds);
    }
    this.logger.log({
      msg: 'unread notification metrics collected',
      unread: rows.reduce((sum, row) => sum + row.count, 0),
    });
  }
}

import { MetricsService } from '@cloudphone/shared';
import {
  createEntityTestDatabase,
  gaugeValues,
  manualCronRunContext,
  type EntityTestDatabase,
} from '@cloudphone/shared/testing';
import { NotificationEntity } from '../notification.entity';
import { NotificationsRepository } from '../notifications.repository';
import { UnreadNotificationsMetricsJob } from './unread-notifications-metrics.job';

describe('UnreadNotificationsMetricsJob', () => {
  let db: EntityTestDatabase;

  beforeAll(async () => {
    db = await createEntityTestDatabase('notification-service', [NotificationEntity]);
  });

  afterAll(() => db?.close());

  it('publishes unread notifications per type and the age of the oldest', async () => {
    await db.query(
      `INSERT INTO notifications (user_id, type, title, created_at, read_at) VALUES
        (gen_random_uuid(), 'allocation.expiring', 't', now() - interval '90 seconds', NULL),
        (gen_random_uuid(), 'allocation.expiring', 't', now(), NULL),
        (gen_random_uuid(), 'billing.low-balance', 't', now(), now())`,
    );
    const metrics = new MetricsService('notification-service', 'test');
    const job = new UnreadNotificationsMetricsJob(
      new NotificationsRepository(db.dataSource.getRepository(NotificationEntity)),
      metrics,
    );

    await job.collect(manualCronRunContext());

    expect(await gaugeValues(metrics, 'cloudphone_notifications_unread')).toEqual([
      { labels: { type: 'allocation.expiring' }, value: 2 },
    ]);
    const [oldest] = await gaugeValues(metrics, 'cloudphone_notifications_unread_oldest_age_seconds');
    expect(oldest.labels).toEqual({ type: 'allocation.expiring' });
    expect(oldest.value).toBeGreaterThanOrEqual(89);
    expect(oldest.value).toBeLessThan(600);
  });
});

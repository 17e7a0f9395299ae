import { MetricsService } from '@cloudphone/shared';
import {
  createRepositoryTestDatabase,
  gaugeValues,
  manualCronRunContext,
  type RepositoryTestDatabase,
} from '@cloudphone/shared/testing';
import { NotificationsRepository } from '../notifications.repository';
import { UnreadNotificationsMetricsJob } from './unread-notifications-metrics.job';

describe('UnreadNotificationsMetricsJob', () => {
  let db: RepositoryTestDatabase;

  beforeAll(async () => {
    db = await createRepositoryTestDatabase('notification-service');
  });

  afterAll(() => db?.close());

  it('publishes unread notifications per type and the age of the oldest', async () => {
    await db.query(
      `INSERT INTO notifications (user_id, type, title, created_at, read_at) VALUES
        (gen_random_uuid(), 'allocation.expiring', 't', now() - interval '90 seconds', NULL),
        (gen_random_uuid(), 'allocation.expiring', 't', now(), NULL),
        (gen_random_uuid(), 'billing.low-balance', 't', now(), now())`,
    );
    const metrics = new MetricsService('notification-service');
    const job = new UnreadNotificationsMetricsJob(new NotificationsRepository(db.sql), metrics);

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

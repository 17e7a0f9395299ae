import { MetricsService, type CronRunContext } from '@cloudphone/shared';
import { createTestDatabase, type TestDatabase } from '@cloudphone/shared/testing';
import { DataSource } from 'typeorm';
import { NotificationEntity } from '../notification.entity';
import { NotificationsRepository } from '../notifications.repository';
import { UnreadNotificationsMetricsJob } from './unread-notifications-metrics.job';

function runContext(): CronRunContext {
  return {
    scheduledAt: new Date(),
    instanceId: 'test',
    catchUp: false,
    trigger: 'manual',
    fencingToken: 1,
    signal: new AbortController().signal,
  };
}

async function gaugeValues(metrics: MetricsService, name: string) {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} not registered`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels, value }));
}

describe('UnreadNotificationsMetricsJob', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('notification-service');
    dataSource = await new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [NotificationEntity],
    }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('publishes unread notifications per type and the age of the oldest', async () => {
    await db.query(
      `INSERT INTO notifications (user_id, type, title, created_at, read_at) VALUES
        (gen_random_uuid(), 'allocation.expiring', 't', now() - interval '90 seconds', NULL),
        (gen_random_uuid(), 'allocation.expiring', 't', now(), NULL),
        (gen_random_uuid(), 'billing.low-balance', 't', now(), now())`,
    );
    const metrics = new MetricsService('notification-service', 'test');
    const job = new UnreadNotificationsMetricsJob(
      new NotificationsRepository(dataSource.getRepository(NotificationEntity)),
      metrics,
    );

    await job.collect(runContext());

    expect(await gaugeValues(metrics, 'cloudphone_notifications_unread')).toEqual([
      { labels: { type: 'allocation.expiring' }, value: 2 },
    ]);
    const [oldest] = await gaugeValues(metrics, 'cloudphone_notifications_unread_oldest_age_seconds');
    expect(oldest.labels).toEqual({ type: 'allocation.expiring' });
    expect(oldest.value).toBeGreaterThanOrEqual(89);
    expect(oldest.value).toBeLessThan(600);
  });
});

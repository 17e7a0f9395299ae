import { MetricsService, type CronRunContext } from '@cloudphone/shared';
import { createTestDatabase, type TestDatabase } from '@cloudphone/shared/testing';
import { DataSource } from 'typeorm';
import { UserEntity } from '../user.entity';
import { UsersRepository } from '../users.repository';
import { UserMetricsJob } from './user-metrics.job';

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

describe('UserMetricsJob', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('user-service');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: [UserEntity] }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('publishes users per status and tier, with zero for empty combinations', async () => {
    await db.query(
      `INSERT INTO users (email, display_name, password_hash, tier, status) VALUES
        ('a@example.com', 'A', 'h', 'pro', 'active'), ('b@example.com', 'B', 'h', 'pro', 'active'),
        ('c@example.com', 'C', 'h', 'free', 'suspended')`,
    );
    const metrics = new MetricsService('user-service', 'test');
    const job = new UserMetricsJob(new UsersRepository(dataSource), metrics);

    await job.collect(runContext());

    const values = await gaugeValues(metrics, 'cloudphone_users');
    expect(values).toContainEqual({ labels: { status: 'active', tier: 'pro' }, value: 2 });
    expect(values).toContainEqual({ labels: { status: 'suspended', tier: 'free' }, value: 1 });
    expect(values).toContainEqual({ labels: { status: 'deleted', tier: 'enterprise' }, value: 0 });
    expect(values).toHaveLength(12);
  });
});

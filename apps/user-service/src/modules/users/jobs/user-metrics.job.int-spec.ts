import { MetricsService } from '@cloudphone/shared';
import {
  createRepositoryTestDatabase,
  gaugeValues,
  manualCronRunContext,
  type RepositoryTestDatabase,
} from '@cloudphone/shared/testing';
import { UsersRepository } from '../users.repository';
import { UserMetricsJob } from './user-metrics.job';

describe('UserMetricsJob', () => {
  let db: RepositoryTestDatabase;

  beforeAll(async () => {
    db = await createRepositoryTestDatabase('user-service');
  });

  afterAll(() => db?.close());

  it('publishes users per status and tier, with zero for empty combinations', async () => {
    await db.query(
      `INSERT INTO users (email, display_name, password_hash, tier, status) VALUES
        ('a@example.com', 'A', 'h', 'pro', 'active'), ('b@example.com', 'B', 'h', 'pro', 'active'),
        ('c@example.com', 'C', 'h', 'free', 'suspended')`,
    );
    const metrics = new MetricsService('user-service');
    const job = new UserMetricsJob(new UsersRepository(db.sql), metrics);

    await job.collect(manualCronRunContext());

    const values = await gaugeValues(metrics, 'cloudphone_users');
    expect(values).toContainEqual({ labels: { status: 'active', tier: 'pro' }, value: 2 });
    expect(values).toContainEqual({ labels: { status: 'suspended', tier: 'free' }, value: 1 });
    expect(values).toContainEqual({ labels: { status: 'deleted', tier: 'enterprise' }, value: 0 });
    expect(values).toHaveLength(16);
  });
});

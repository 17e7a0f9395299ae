import { MetricsService } from '@cloudphone/shared';
import {
  createRepositoryTestDatabase,
  gaugeValues,
  manualCronRunContext,
  type RepositoryTestDatabase,
} from '@cloudphone/shared/testing';
import { NumbersRepository } from '../numbers.repository';
import { NumberPoolMetricsJob } from './number-pool-metrics.job';

describe('NumberPoolMetricsJob', () => {
  let db: RepositoryTestDatabase;

  beforeAll(async () => {
    db = await createRepositoryTestDatabase('sms-receive-service');
  });

  afterAll(() => db?.close());

  it('publishes virtual numbers per status and country', async () => {
    await db.query(
      `INSERT INTO virtual_numbers (provider, phone_number, country_code, status) VALUES
        ('sim', '+4915100000001', 'DE', 'available'), ('sim', '+4915100000002', 'DE', 'available'),
        ('sim', '+12025550100', 'US', 'blacklisted')`,
    );
    const metrics = new MetricsService('sms-receive-service', 'test');
    const job = new NumberPoolMetricsJob(new NumbersRepository(db.sql), metrics);

    await job.collect(manualCronRunContext());

    expect(await gaugeValues(metrics, 'cloudphone_virtual_numbers')).toEqual(
      expect.arrayContaining([
        { labels: { status: 'available', country: 'DE' }, value: 2 },
        { labels: { status: 'blacklisted', country: 'US' }, value: 1 },
      ]),
    );
  });
});

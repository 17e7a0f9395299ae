import { MetricsService, type CronRunContext } from '@cloudphone/shared';
import { createTestDatabase, type TestDatabase } from '@cloudphone/shared/testing';
import { DataSource } from 'typeorm';
import { VirtualNumberEntity } from '../virtual-number.entity';
import { NumbersRepository } from '../numbers.repository';
import { NumberPoolMetricsJob } from './number-pool-metrics.job';

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

describe('NumberPoolMetricsJob', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('sms-receive-service');
    dataSource = await new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [VirtualNumberEntity],
    }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('publishes virtual numbers per status and country', async () => {
    await db.query(
      `INSERT INTO virtual_numbers (provider, phone_number, country_code, status) VALUES
        ('sim', '+4915100000001', 'DE', 'available'), ('sim', '+4915100000002', 'DE', 'available'),
        ('sim', '+12025550100', 'US', 'blacklisted')`,
    );
    const metrics = new MetricsService('sms-receive-service', 'test');
    const job = new NumberPoolMetricsJob(
      new NumbersRepository(dataSource.getRepository(VirtualNumberEntity)),
      metrics,
    );

    await job.collect(runContext());

    expect(await gaugeValues(metrics, 'cloudphone_virtual_numbers')).toEqual(
      expect.arrayContaining([
        { labels: { status: 'available', country: 'DE' }, value: 2 },
        { labels: { status: 'blacklisted', country: 'US' }, value: 1 },
      ]),
    );
  });
});

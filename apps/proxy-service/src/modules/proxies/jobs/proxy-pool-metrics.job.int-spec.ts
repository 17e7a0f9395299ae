import { MetricsService, type CronRunContext } from '@cloudphone/shared';
import { createTestDatabase, type TestDatabase } from '@cloudphone/shared/testing';
import { DataSource } from 'typeorm';
import { ProxyEntity } from '../proxy.entity';
import { ProxiesRepository } from '../proxies.repository';
import { ProxyPoolMetricsJob } from './proxy-pool-metrics.job';

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

describe('ProxyPoolMetricsJob', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('proxy-service');
    dataSource = await new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [ProxyEntity],
    }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('publishes proxies per status and country with their average quality', async () => {
    await db.query(
      `INSERT INTO proxies (provider, host, port, protocol, country_code, status, quality_score) VALUES
        ('sim', '10.0.0.1', 8080, 'http', 'DE', 'available', 90),
        ('sim', '10.0.0.2', 8080, 'http', 'DE', 'available', 70),
        ('sim', '10.0.0.3', 1080, 'socks5', 'US', 'unhealthy', 20)`,
    );
    const metrics = new MetricsService('proxy-service', 'test');
    const job = new ProxyPoolMetricsJob(
      new ProxiesRepository(dataSource.getRepository(ProxyEntity)),
      metrics,
    );

    await job.collect(runContext());

    expect(await gaugeValues(metrics, 'cloudphone_proxies')).toEqual(
      expect.arrayContaining([
        { labels: { status: 'available', country: 'DE' }, value: 2 },
        { labels: { status: 'unhealthy', country: 'US' }, value: 1 },
      ]),
    );
    expect(await gaugeValues(metrics, 'cloudphone_proxies_quality_score_average')).toContainEqual({
      labels: { status: 'available', country: 'DE' },
      value: 80,
    });
  });
});

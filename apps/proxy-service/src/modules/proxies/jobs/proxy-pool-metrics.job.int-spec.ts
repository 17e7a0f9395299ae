import { MetricsService } from '@cloudphone/shared';
import {
  createRepositoryTestDatabase,
  gaugeValues,
  manualCronRunContext,
  type RepositoryTestDatabase,
} from '@cloudphone/shared/testing';
import { ProxiesRepository } from '../proxies.repository';
import { ProxyPoolMetricsJob } from './proxy-pool-metrics.job';

describe('ProxyPoolMetricsJob', () => {
  let db: RepositoryTestDatabase;

  beforeAll(async () => {
    db = await createRepositoryTestDatabase('proxy-service');
  });

  afterAll(() => db?.close());

  it('publishes proxies per status and country with their average quality', async () => {
    await db.query(
      `INSERT INTO proxies (provider, host, port, protocol, country_code, status, quality_score) VALUES
        ('sim', '10.0.0.1', 8080, 'http', 'DE', 'available', 90),
        ('sim', '10.0.0.2', 8080, 'http', 'DE', 'available', 70),
        ('sim', '10.0.0.3', 1080, 'socks5', 'US', 'unhealthy', 20)`,
    );
    const metrics = new MetricsService('proxy-service', 'test');
    const job = new ProxyPoolMetricsJob(new ProxiesRepository(db.sql), metrics);

    await job.collect(manualCronRunContext());

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

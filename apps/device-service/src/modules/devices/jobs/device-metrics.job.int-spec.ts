import { MetricsService, type CronRunContext } from '@cloudphone/shared';
import { createTestDatabase, type TestDatabase } from '@cloudphone/shared/testing';
import { DataSource } from 'typeorm';
import { DeviceEntity } from '../device.entity';
import { DevicesRepository } from '../devices.repository';
import { DeviceMetricsJob } from './device-metrics.job';

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

describe('DeviceMetricsJob', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('device-service');
    dataSource = await new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [DeviceEntity],
    }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('publishes devices per status, health and region, dropping combinations that emptied out', async () => {
    await db.query(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb, status, health) VALUES
        ('sim', 'd1', 'eu-west', '13', 4, 4096, 64, 'available', 'healthy'),
        ('sim', 'd2', 'eu-west', '13', 4, 4096, 64, 'available', 'healthy'),
        ('sim', 'd3', 'us-east', '14', 8, 8192, 128, 'failed', 'unhealthy')`,
    );
    const metrics = new MetricsService('device-service', 'test');
    const job = new DeviceMetricsJob(new DevicesRepository(dataSource.getRepository(DeviceEntity)), metrics);

    await job.collect(runContext());
    expect(await gaugeValues(metrics, 'cloudphone_devices')).toEqual(
      expect.arrayContaining([
        { labels: { status: 'available', health: 'healthy', region: 'eu-west' }, value: 2 },
        { labels: { status: 'failed', health: 'unhealthy', region: 'us-east' }, value: 1 },
      ]),
    );

    await db.query(`UPDATE devices SET status = 'retired' WHERE provider_device_id = 'd3'`);
    await job.collect(runContext());
    const values = await gaugeValues(metrics, 'cloudphone_devices');
    expect(values).toContainEqual({
      labels: { status: 'retired', health: 'unhealthy', region: 'us-east' },
      value: 1,
    });
    expect(values.some(({ labels }) => labels.status === 'failed')).toBe(false);
  });
});

import { MetricsService } from '@cloudphone/shared';
import {
  createRepositoryTestDatabase,
  gaugeValues,
  manualCronRunContext,
  type RepositoryTestDatabase,
} from '@cloudphone/shared/testing';
import { DevicesRepository } from '../devices.repository';
import { DeviceMetricsJob } from './device-metrics.job';

describe('DeviceMetricsJob', () => {
  let db: RepositoryTestDatabase;

  beforeAll(async () => {
    db = await createRepositoryTestDatabase('device-service');
  });

  afterAll(() => db?.close());

  it('publishes devices per status, health and region, dropping combinations that emptied out', async () => {
    await db.query(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb, status, health) VALUES
        ('sim', 'd1', 'eu-west', '13', 4, 4096, 64, 'available', 'healthy'),
        ('sim', 'd2', 'eu-west', '13', 4, 4096, 64, 'available', 'healthy'),
        ('sim', 'd3', 'us-east', '14', 8, 8192, 128, 'failed', 'unhealthy')`,
    );
    const metrics = new MetricsService('device-service');
    const job = new DeviceMetricsJob(new DevicesRepository(db.sql), metrics);

    await job.collect(manualCronRunContext());
    expect(await gaugeValues(metrics, 'cloudphone_devices')).toEqual(
      expect.arrayContaining([
        { labels: { status: 'available', health: 'healthy', region: 'eu-west' }, value: 2 },
        { labels: { status: 'failed', health: 'unhealthy', region: 'us-east' }, value: 1 },
      ]),
    );

    await db.query(`UPDATE devices SET status = 'retired' WHERE provider_device_id = 'd3'`);
    await job.collect(manualCronRunContext());
    const values = await gaugeValues(metrics, 'cloudphone_devices');
    expect(values).toContainEqual({
      labels: { status: 'retired', health: 'unhealthy', region: 'us-east' },
      value: 1,
    });
    expect(values.some(({ labels }) => labels.status === 'failed')).toBe(false);
  });
});

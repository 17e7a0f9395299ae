import { createTestDatabase, type TestDatabase } from '@cloudphone/shared/testing';
import { planDevicePool, seedDevicePool } from './device-pool.seed';

interface DeviceRow extends Record<string, unknown> {
  provider: string;
  provider_device_id: string;
  region: string;
  android_version: string;
  cpu_cores: number;
  memory_mb: number;
  storage_gb: number;
  status: string;
  health: string;
}

const ROWS = `SELECT provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb,
                     status, health
              FROM devices ORDER BY provider_device_id`;

describe('seedDevicePool (real Postgres)', () => {
  const databases: TestDatabase[] = [];

  async function freshDatabase(): Promise<TestDatabase> {
    const database = await createTestDatabase('device-service');
    databases.push(database);
    return database;
  }

  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('creates a 2,000-device pool of available, healthy devices as planned', async () => {
    const database = await freshDatabase();
    expect(await seedDevicePool(database.url, { count: 2000, seed: 9 })).toEqual({
      planned: 2000,
      added: 2000,
    });

    const rows = await database.query<DeviceRow>(ROWS);
    expect(rows).toHaveLength(2000);
    expect(new Set(rows.map((row) => `${row.status}/${row.health}`))).toEqual(new Set(['available/healthy']));
    const planned = planDevicePool({ count: 2000, seed: 9 });
    const byId = new Map(rows.map((row) => [row.provider_device_id, row]));
    for (const device of planned) {
      expect(byId.get(device.providerDeviceId)).toMatchObject({
        provider: device.provider,
        region: device.region,
        android_version: device.androidVersion,
        cpu_cores: device.cpuCores,
        memory_mb: device.memoryMb,
        storage_gb: device.storageGb,
      });
    }
  });

  it('writes the same pool into two databases under the same seed', async () => {
    const [first, second] = [await freshDatabase(), await freshDatabase()];
    await seedDevicePool(first.url, { count: 300, seed: 5 });
    await seedDevicePool(second.url, { count: 300, seed: 5 });
    expect(await second.query(ROWS)).toEqual(await first.query(ROWS));
  });

  it('adds nothing when run again, and only the missing devices for a larger count', async () => {
    const database = await freshDatabase();
    await seedDevicePool(database.url, { count: 100, seed: 3 });
    const before = await database.query(`SELECT id, provider_device_id, updated_at FROM devices ORDER BY id`);

    expect(await seedDevicePool(database.url, { count: 100, seed: 3 })).toEqual({ planned: 100, added: 0 });
    expect(
      await database.query(`SELECT id, provider_device_id, updated_at FROM devices ORDER BY id`),
    ).toEqual(before);

    expect(await seedDevicePool(database.url, { count: 150, seed: 3 })).toEqual({ planned: 150, added: 50 });
    const [{ count }] = await database.query<{ count: number }>(`SELECT count(*)::int AS count FROM devices`);
    expect(count).toBe(150);
  });
});

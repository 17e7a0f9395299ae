import { Client } from 'pg';
import type { DeviceSpec } from '@cloudphone/contracts';
import { SeededRandom } from '@cloudphone/shared';

export interface DevicePoolOptions {
  count: number;
  seed: number;
}

/** One device of a seeded pool, as its `devices` row. */
export interface SeededDevice extends DeviceSpec {
  provider: string;
  providerDeviceId: string;
  region: string;
  androidVersion: string;
}

export interface SeedResult {
  /** Devices the seed and count describe. */
  planned: number;
  /** Of those, the ones this run inserted (the others were already in the pool). */
  added: number;
}

/** The seeded pool is the simulated provider's: DEVICE_PROVIDER=simulated can retire its devices. */
export const SEED_PROVIDER = 'simulated';

type Weighted<T> = ReadonlyArray<readonly [T, number]>;

// Weights: small and mid-size phones dominate a rental pool; big ones are a few percent.
const SPEC_CLASSES: Weighted<DeviceSpec> = [
  [{ cpuCores: 2, memoryMb: 4096, storageGb: 32 }, 35],
  [{ cpuCores: 4, memoryMb: 8192, storageGb: 64 }, 40],
  [{ cpuCores: 8, memoryMb: 16384, storageGb: 128 }, 20],
  [{ cpuCores: 16, memoryMb: 32768, storageGb: 256 }, 5],
];

const REGIONS: Weighted<string> = [
  ['us-east-1', 35],
  ['eu-west-1', 30],
  ['ap-southeast-1', 20],
  ['cn-hangzhou', 15],
];

const ANDROID_VERSIONS: Weighted<string> = [
  ['14', 30],
  ['13', 35],
  ['12', 25],
  ['11', 10],
];

/**
 * The devices a seed describes. Device n draws from its own stream of the seed, so it is the same
 * whatever the count: a larger count extends the pool a smaller one seeded.
 */
export function planDevicePool({ count, seed }: DevicePoolOptions): SeededDevice[] {
  return Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    const random = new SeededRandom(seed, n);
    return {
      provider: SEED_PROVIDER,
      providerDeviceId: `sim-${seed}-${n}`,
      ...random.weighted(SPEC_CLASSES),
      region: random.weighted(REGIONS),
      androidVersion: random.weighted(ANDROID_VERSIONS),
    };
  });
}

/**
 * Inserts the pool a seed describes into device-service's database (migrated), as `available`,
 * `healthy` devices, in one statement. Idempotent: devices already present are left alone.
 */
export async function seedDevicePool(databaseUrl: string, options: DevicePoolOptions): Promise<SeedResult> {
  const devices = planDevicePool(options);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[])
       ON CONFLICT (provider, provider_device_id) DO NOTHING`,
      [
        devices.map((device) => device.provider),
        devices.map((device) => device.providerDeviceId),
        devices.map((device) => device.region),
        devices.map((device) => device.androidVersion),
        devices.map((device) => device.cpuCores),
        devices.map((device) => device.memoryMb),
        devices.map((device) => device.storageGb),
      ],
    );
    return { planned: devices.length, added: result.rowCount ?? 0 };
  } finally {
    await client.end();
  }
}

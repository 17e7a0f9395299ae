import { randomBytes } from 'node:crypto';
import KeyvRedis from '@keyv/redis';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { Redis } from 'ioredis';
import { CacheService, MetricsService, RedisConnectionManager } from '@cloudphone/shared';
import { BENCH_REDIS_URL, deleteKeys, measureLatency } from './bench-support';

// Cache hit latency (p50/p99 of sequential awaited gets) side by side with cache-manager v6:
// our process tier vs cache-manager's default in-memory Keyv, and our Redis tier (process tier
// turned off) vs cache-manager with a Keyv Redis store (@keyv/redis). Same value, same local Redis.
const ITERATIONS = 50000;
const REDIS_ITERATIONS = 10000;
const VALUE = {
  id: 'device-42',
  status: 'available',
  region: 'eu-west',
  spec: { cpuCores: 4, memoryMb: 8192, storageGb: 64, androidVersion: '13' },
  labels: ['gpu', 'arm64', 'pool-a'],
  lastSeenAt: '2026-01-01T00:00:00.000Z',
};

function cacheService(run: string, redis: RedisConnectionManager, localMaxEntries: number): CacheService {
  return new CacheService({
    serviceName: run,
    redis,
    metrics: new MetricsService('bench'),
    localMaxEntries,
    localTtlMs: 600000,
    ttlJitterPercent: 0,
    clusterSingleFlight: false,
    leaseMs: 5000,
    breakerFailureThreshold: 3,
    breakerOpenMs: 1000,
  });
}

function format(name: string, latency: { p50: number; p99: number }): string {
  return `  ${name}: p50 ${latency.p50.toFixed(2)} µs, p99 ${latency.p99.toFixed(2)} µs`;
}

async function main(): Promise<void> {
  const run = `bench_cache_${randomBytes(4).toString('hex')}`;
  const redis = new RedisConnectionManager({
    url: BENCH_REDIS_URL,
    keyPrefix: `${run}:`,
    commandTimeoutMs: 5000,
    connectionName: 'bench-cache',
  });
  await new Promise<void>((resolve) =>
    redis.isReady() ? resolve() : redis.client.once('ready', () => resolve()),
  );
  const twoTier = cacheService(run, redis, 10000);
  const redisOnly = cacheService(run, redis, 0);
  await Promise.all([twoTier.onModuleInit(), redisOnly.onModuleInit()]);
  await twoTier.set('device:42', VALUE, { ttlMs: 600000 });

  const memoryPeer = createCache();
  const keyvRedis = new KeyvRedis(BENCH_REDIS_URL);
  const redisPeer = createCache({ stores: [new Keyv({ store: keyvRedis, namespace: `${run}-peer` })] });
  await memoryPeer.set('device:42', VALUE, 600000);
  await redisPeer.set('device:42', VALUE, 600000);

  if ((await twoTier.get('device:42')) === undefined || (await redisPeer.get('device:42')) === null) {
    throw new Error('warm-up failed: the benchmark would measure misses');
  }

  const oursLocal = await measureLatency(() => twoTier.get('device:42'), ITERATIONS);
  const peerMemory = await measureLatency(() => memoryPeer.get('device:42'), ITERATIONS);
  const oursRedis = await measureLatency(() => redisOnly.get('device:42'), REDIS_ITERATIONS);
  const peerRedis = await measureLatency(() => redisPeer.get('device:42'), REDIS_ITERATIONS);

  console.log('cache hit latency, sequential awaited get of a ~250-byte object');
  console.log(format('ours, process tier (target < 5 µs)', oursLocal));
  console.log(format('cache-manager v6 + in-memory Keyv', peerMemory));
  console.log(format('ours, Redis tier (target < 300 µs)', oursRedis));
  console.log(format('cache-manager v6 + Keyv + @keyv/redis', peerRedis));
  console.log(
    `ratio p50 ours / cache-manager (process tier vs in-memory Keyv): ${(oursLocal.p50 / peerMemory.p50).toFixed(2)} (lower is faster)`,
  );
  console.log(
    `ratio p50 ours / cache-manager (Redis tier vs @keyv/redis): ${(oursRedis.p50 / peerRedis.p50).toFixed(2)} (lower is faster)`,
  );

  twoTier.onModuleDestroy();
  redisOnly.onModuleDestroy();
  const cleaner = new Redis(BENCH_REDIS_URL);
  await deleteKeys(cleaner, `${run}*`);
  await cleaner.quit();
  await keyvRedis.disconnect();
  await redis.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

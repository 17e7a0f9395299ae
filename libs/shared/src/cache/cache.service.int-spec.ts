import { setTimeout as sleep } from 'node:timers/promises';
import { TcpProxy, TEST_SERVERS, uniqueTestId, waitFor } from '../testing';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { CacheService, type CacheServiceOptions } from './cache.service';

// Real Redis (127.0.0.1:6379) under a key prefix unique to this run; outages go through a TcpProxy.
const prefix = `${uniqueTestId('cache')}:`;
const serviceName = 'cache-test';
const redisUrl = new URL(TEST_SERVERS.redisUrl);
const opened: Array<{ cache: CacheService; redis: RedisConnectionManager; url: string }> = [];

async function replica(
  overrides: Partial<CacheServiceOptions> & { url?: string; commandTimeoutMs?: number } = {},
) {
  const url = overrides.url ?? TEST_SERVERS.redisUrl;
  const redis = new RedisConnectionManager({
    url,
    keyPrefix: prefix,
    commandTimeoutMs: overrides.commandTimeoutMs ?? 1000,
    connectionName: 'cache-int-spec',
  });
  const cache = new CacheService({
    serviceName,
    redis,
    metrics: new MetricsService(serviceName),
    localMaxEntries: 1000,
    localTtlMs: 60000,
    ttlJitterPercent: 10,
    clusterSingleFlight: false,
    leaseMs: 3000,
    breakerFailureThreshold: 3,
    breakerOpenMs: 300,
    ...overrides,
  });
  await cache.onModuleInit();
  opened.push({ cache, redis, url });
  await waitFor(() => redis.isReady(), { description: `Redis at ${overrides.url ?? TEST_SERVERS.redisUrl}` });
  return { cache, redis, metrics: (cache as unknown as { options: CacheServiceOptions }).options.metrics };
}

async function metricValue(metrics: MetricsService, name: string, labels: Record<string, string> = {}) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  const matching = (metric?.values ?? []).filter((value) =>
    Object.entries(labels).every(([label, expected]) => value.labels[label] === expected),
  );
  return matching.reduce((sum, value) => sum + Number(value.value), 0);
}

function countingLoader<T>(value: () => T, delayMs = 0) {
  const loader = async () => {
    loader.calls += 1;
    const result = value();
    if (delayMs > 0) await sleep(delayMs);
    return result;
  };
  loader.calls = 0;
  return loader;
}

/** Closes the replicas connected through `proxy`, then the proxy (ioredis would keep reconnecting). */
async function closeProxied(proxy: TcpProxy) {
  const through = `:${proxy.port}`;
  for (const entry of opened.filter((candidate) => candidate.url.includes(through))) {
    entry.cache.onModuleDestroy();
    await entry.redis.close();
    opened.splice(opened.indexOf(entry), 1);
  }
  await proxy.close();
}

async function subscribed(...caches: CacheService[]) {
  // Each replica is subscribed once a message published by another reaches it.
  const probe = uniqueTestId('probe');
  const [writer, ...readers] = caches;
  for (const reader of readers) await reader.set(`probe:${probe}`, 1, { ttlMs: 60000 });
  await waitFor(
    async () => {
      await writer.delete(`probe:${probe}`);
      return readers.every((reader) => reader.localSize === 0);
    },
    { timeoutMs: 5000, description: 'replicas to subscribe to invalidations' },
  );
}

afterAll(async () => {
  for (const { cache } of opened) cache.onModuleDestroy();
  const cleaner = new RedisConnectionManager({
    url: TEST_SERVERS.redisUrl,
    keyPrefix: prefix,
    commandTimeoutMs: 2000,
    connectionName: 'cache-int-spec-cleanup',
  });
  await waitFor(() => cleaner.isReady(), { description: 'Redis for cleanup' });
  let cursor = '0';
  do {
    const [next, keys] = await cleaner.client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await cleaner.client.unlink(...keys);
  } while (cursor !== '0');
  await Promise.all([cleaner, ...opened.map((entry) => entry.redis)].map((redis) => redis.close()));
});

describe('CacheService against real Redis', () => {
  it('misses, then hits locally, then in Redis from another replica; delete evicts everywhere', async () => {
    const a = await replica();
    const b = await replica();
    await subscribed(a.cache, b.cache);
    const loader = countingLoader(() => ({ id: 'd1', cores: 4 }));

    expect(await a.cache.wrap('device:d1', loader, { ttlMs: 60000 })).toEqual({ id: 'd1', cores: 4 });
    expect(await a.cache.wrap('device:d1', loader, { ttlMs: 60000 })).toEqual({ id: 'd1', cores: 4 });
    expect(await b.cache.wrap('device:d1', loader, { ttlMs: 60000 })).toEqual({ id: 'd1', cores: 4 });
    expect(loader.calls).toBe(1);
    expect(
      await metricValue(a.metrics, 'cloudphone_cache_hits_total', { cache: 'device', tier: 'local' }),
    ).toBe(1);
    expect(await metricValue(a.metrics, 'cloudphone_cache_misses_total', { cache: 'device' })).toBe(1);
    expect(await metricValue(a.metrics, 'cloudphone_cache_loads_total', { cache: 'device' })).toBe(1);
    expect(
      await metricValue(b.metrics, 'cloudphone_cache_hits_total', { cache: 'device', tier: 'redis' }),
    ).toBe(1);

    await a.cache.delete('device:d1');
    await waitFor(async () => (await b.cache.get('device:d1')) === undefined, {
      timeoutMs: 2000,
      description: 'the eviction to reach replica b',
    });
    expect(await a.cache.get('device:d1')).toBeUndefined();
    await b.cache.wrap('device:d1', loader, { ttlMs: 60000 });
    expect(loader.calls).toBe(2);
  });

  it('invalidates by tag on every replica and leaves other tags alone', async () => {
    const a = await replica();
    const b = await replica();
    await subscribed(a.cache, b.cache);
    const loader = countingLoader(() => 'value');
    const warm = async (cache: CacheService) => {
      await cache.wrap('quota:u1:cpu', loader, { ttlMs: 60000, tags: ['user:u1'] });
      await cache.wrap('quota:u1:memory', loader, { ttlMs: 60000, tags: ['user:u1'] });
      await cache.wrap('quota:u2:cpu', loader, { ttlMs: 60000, tags: ['user:u2'] });
    };
    await warm(a.cache);
    await warm(b.cache);
    expect(loader.calls).toBe(3);
    expect(b.cache.localSize).toBe(3);

    await a.cache.invalidateTags('user:u1');
    await waitFor(() => b.cache.localSize === 1, { timeoutMs: 2000, description: 'tag invalidation on b' });
    await warm(b.cache);
    expect(loader.calls).toBe(5);
  });

  it('stampede: 100 concurrent misses load once per process, and once across replicas with a lease', async () => {
    const a = await replica();
    const perProcess = countingLoader(() => 'v', 50);
    const results = await Promise.all(
      Array.from({ length: 100 }, () => a.cache.wrap('stampede:one', perProcess, { ttlMs: 60000 })),
    );
    expect(results.every((value) => value === 'v')).toBe(true);
    expect(perProcess.calls).toBe(1);

    const b = await replica();
    const clusterWide = countingLoader(() => 'v', 150);
    await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        (index % 2 === 0 ? a.cache : b.cache).wrap('stampede:two', clusterWide, {
          ttlMs: 60000,
          lease: true,
        }),
      ),
    );
    expect(clusterWide.calls).toBe(1);
  });

  it('with a lease, a replica that missed before another stored the value does not load it again', async () => {
    const a = await replica();
    const b = await replica();
    // B's miss is read, then held until A has loaded, stored and let go of its lease.
    const storeB = (
      b.cache as unknown as { store: { readForLoad: (...args: unknown[]) => Promise<unknown> } }
    ).store;
    const readForLoad = storeB.readForLoad.bind(storeB);
    let missRead!: () => void;
    const missed = new Promise<void>((resolve) => (missRead = resolve));
    let releaseB!: () => void;
    const held = new Promise<void>((resolve) => (releaseB = resolve));
    storeB.readForLoad = async (...args: unknown[]) => {
      const read = await readForLoad(...args);
      missRead();
      await held;
      return read;
    };
    const loaderA = countingLoader(() => 'v');
    const loaderB = countingLoader(() => 'v');
    const late = b.cache.wrap('lease:late-miss', loaderB, { ttlMs: 60000, lease: true });
    await missed;
    expect(await a.cache.wrap('lease:late-miss', loaderA, { ttlMs: 60000, lease: true })).toBe('v');
    releaseB();
    expect(await late).toBe('v');
    expect(loaderA.calls + loaderB.calls).toBe(1);
  });

  it('does not store a value loaded before an eviction that happened during the load', async () => {
    const a = await replica();
    const b = await replica();
    await subscribed(a.cache, b.cache);
    let version = 1;
    const slow = countingLoader(() => `v${version}`, 200);
    const loading = a.cache.wrap('item:race', slow, { ttlMs: 60000, tags: ['items'] });
    await sleep(50);
    version = 2;
    await b.cache.invalidateTags('items');
    expect(await loading).toBe('v1');
    expect(await b.cache.get('item:race')).toBeUndefined();
    expect(await a.cache.wrap('item:race', slow, { ttlMs: 60000, tags: ['items'] })).toBe('v2');
    expect(
      await metricValue(a.metrics, 'cloudphone_cache_dropped_writes_total', {
        reason: 'invalidated_during_load',
      }),
    ).toBe(1);
  });

  it('drops the local tier when the invalidation channel reconnects', async () => {
    const proxy = await new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379)).start();
    try {
      const a = await replica({ url: proxy.wrap(TEST_SERVERS.redisUrl) });
      await waitFor(() => a.redis.isReady() && a.redis.subscriber().status === 'ready', {
        description: 'both connections through the proxy',
      });
      await a.cache.wrap('device:reconnect', async () => 'v', { ttlMs: 60000 });
      expect(a.cache.localSize).toBe(1);
      proxy.reset();
      await waitFor(() => a.cache.localSize === 0 && a.redis.subscriber().status === 'ready', {
        timeoutMs: 5000,
        description: 'the local tier to be dropped after the reconnect',
      });
    } finally {
      await closeProxied(proxy);
    }
  });

  it('Redis unreachable: answers from the local tier and the loader, drops writes, replays evictions on recovery', async () => {
    const proxy = await new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379)).start();
    const direct = await replica();
    try {
      const a = await replica({ url: proxy.wrap(TEST_SERVERS.redisUrl), commandTimeoutMs: 300 });
      const loader = countingLoader(() => 'fresh');
      await a.cache.wrap('item:warm', loader, { ttlMs: 60000 });
      await a.cache.wrap('item:stale', loader, { ttlMs: 60000 });
      expect(await direct.cache.get('item:stale')).toBe('fresh');

      proxy.cut();
      expect(await a.cache.wrap('item:warm', loader, { ttlMs: 60000 })).toBe('fresh');
      for (let i = 0; i < 5; i += 1) {
        expect(await a.cache.wrap(`item:cold${i}`, loader, { ttlMs: 60000 })).toBe('fresh');
      }
      await a.cache.delete('item:stale');
      expect(
        await metricValue(a.metrics, 'cloudphone_cache_dropped_writes_total', {
          reason: 'redis_unavailable',
        }),
      ).toBe(5);
      expect(await metricValue(a.metrics, 'cloudphone_cache_errors_total')).toBeGreaterThanOrEqual(1);
      expect(await metricValue(a.metrics, 'cloudphone_cache_pending_evictions')).toBe(1);

      proxy.restore();
      await waitFor(async () => (await direct.cache.get('item:stale')) === undefined, {
        timeoutMs: 10000,
        description: 'the eviction missed during the outage to be replayed',
      });
      await waitFor(
        async () => {
          await a.cache.set('item:after', 'back', { ttlMs: 60000 });
          return (await direct.cache.get('item:after')) === 'back';
        },
        { timeoutMs: 10000, description: 'writes to reach Redis again' },
      );
      expect(await metricValue(a.metrics, 'cloudphone_cache_pending_evictions')).toBe(0);
    } finally {
      await closeProxied(proxy);
    }
  });

  it('opens its breaker when Redis hangs, so later calls do not wait, and closes it when Redis answers', async () => {
    const proxy = await new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379)).start();
    try {
      const a = await replica({
        url: proxy.wrap(TEST_SERVERS.redisUrl),
        commandTimeoutMs: 300,
        breakerOpenMs: 500,
      });
      const loader = countingLoader(() => 'fresh');
      proxy.blackhole();
      for (let i = 0; i < 3; i += 1) await a.cache.wrap(`hang:${i}`, loader, { ttlMs: 60000 });
      expect(await metricValue(a.metrics, 'cloudphone_cache_redis_breaker_open')).toBe(1);
      const started = performance.now();
      expect(await a.cache.wrap('hang:fast', loader, { ttlMs: 60000 })).toBe('fresh');
      expect(performance.now() - started).toBeLessThan(200);

      proxy.restore();
      proxy.reset(); // replies to the timed-out commands were swallowed: start a clean connection
      await waitFor(
        async () => {
          await a.cache.wrap(`hang:probe:${performance.now()}`, loader, { ttlMs: 60000 });
          return (await metricValue(a.metrics, 'cloudphone_cache_redis_breaker_open')) === 0;
        },
        { timeoutMs: 10000, intervalMs: 200, description: 'the breaker to close again' },
      );
    } finally {
      await closeProxied(proxy);
    }
  });

  it('stores entries in Redis with TTLs shortened by at most CACHE_TTL_JITTER_PERCENT', async () => {
    const { cache, redis } = await replica({ ttlJitterPercent: 10 });
    const ttlMs = 60_000;
    const keys = Array.from({ length: 100 }, () => uniqueTestId('ttl'));
    await Promise.all(keys.map((key) => cache.set(`jitter:${key}`, 1, { ttlMs })));
    const ttls = await Promise.all(
      keys.map((key) => redis.client.pttl(redis.key('cache', serviceName, 'v', `jitter:${key}`))),
    );
    // PTTL counts down from the stored TTL while the test reads: allow a second for that.
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(ttlMs * 0.9 - 1000);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(ttlMs);
    expect(Math.max(...ttls) - Math.min(...ttls)).toBeGreaterThan(1000);
  });

  it('namespaces and sanitises keys and never lets cached JSON pollute prototypes', async () => {
    const a = await replica();
    await a.cache.set('user:a b\r\n*', { name: 'x' }, { ttlMs: 60000 });
    const keys = await a.redis.client.keys(`${prefix}cache:${serviceName}:v:user:*`);
    expect(keys).toEqual([`${prefix}cache:${serviceName}:v:user:a%20b%0d%0a%2a`]);

    await a.redis.client.set(
      a.redis.key('cache', serviceName, 'v', 'evil:1'),
      '{"v":{"__proto__":{"polluted":true},"safe":1},"t":[],"e":99999999999999}',
    );
    const value = await a.cache.get<Record<string, unknown>>('evil:1');
    expect(value).toEqual({ safe: 1 });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { MetricsService } from '../metrics/metrics.service';
import { CacheService } from './cache.service';

// COORDINATION_DRIVER=memory: the process tier alone, no Redis.
function memoryCache(localMaxEntries = 100, ttlJitterPercent = 10) {
  return new CacheService({
    serviceName: 'unit',
    redis: null,
    metrics: new MetricsService('unit'),
    localMaxEntries,
    localTtlMs: 60000,
    ttlJitterPercent,
    clusterSingleFlight: false,
    leaseMs: 1000,
    breakerFailureThreshold: 3,
    breakerOpenMs: 1000,
  });
}

describe('CacheService without Redis', () => {
  it('loads once for 100 concurrent misses and serves hits from memory', async () => {
    const cache = memoryCache();
    let loads = 0;
    const loader = async () => {
      loads += 1;
      await sleep(20);
      return { n: 1 };
    };
    const values = await Promise.all(
      Array.from({ length: 100 }, () => cache.wrap('k:1', loader, { ttlMs: 60000 })),
    );
    expect(loads).toBe(1);
    expect(values.every((value) => value === values[0])).toBe(true);
    expect(Object.isFrozen(values[0])).toBe(true);
    await cache.wrap('k:1', loader, { ttlMs: 60000 });
    expect(loads).toBe(1);
  });

  it('evicts by key and by tag, and a value invalidated while loading is not kept', async () => {
    const cache = memoryCache();
    await cache.set('a:1', 'x', { ttlMs: 60000, tags: ['t1'] });
    await cache.set('a:2', 'y', { ttlMs: 60000, tags: ['t2'] });
    await cache.invalidateTags('t1');
    expect(await cache.get('a:1')).toBeUndefined();
    expect(await cache.get('a:2')).toBe('y');
    await cache.delete('a:2');
    expect(await cache.get('a:2')).toBeUndefined();

    const loading = cache.wrap(
      'a:3',
      async () => {
        await sleep(30);
        return 'old';
      },
      { ttlMs: 60000, tags: ['t3'] },
    );
    await sleep(5);
    await cache.invalidateTags('t3');
    expect(await loading).toBe('old');
    expect(await cache.get('a:3')).toBeUndefined();
  });

  it('does not cache what JSON cannot hold, and propagates loader errors to every waiter', async () => {
    const cache = memoryCache();
    expect(await cache.wrap('u:1', async () => undefined, { ttlMs: 60000 })).toBeUndefined();
    expect(await cache.get('u:1')).toBeUndefined();
    const failing = async () => {
      await sleep(10);
      throw new Error('loader failed');
    };
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => cache.wrap('u:2', failing, { ttlMs: 60000 })),
    );
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(await cache.get('u:2')).toBeUndefined();
  });

  it('entries expire no sooner than the jittered TTL allows, and all of them do expire', async () => {
    // The jitter's exact range is the codec's (cache-value.codec.spec.ts); wall-clock polling on a
    // busy machine can only bound lifetimes from below, so that is all this checks.
    const cache = memoryCache(1000, 20);
    const ttlMs = 600;
    const keys = Array.from({ length: 60 }, (_, index) => `jitter:${index}`);
    const setAt = Date.now();
    await Promise.all(keys.map((key) => cache.set(key, key, { ttlMs })));
    const expiredAfter = new Map<string, number>();
    while (expiredAfter.size < keys.length && Date.now() - setAt < ttlMs + 5000) {
      for (const key of keys) {
        if (!expiredAfter.has(key) && (await cache.get(key)) === undefined)
          expiredAfter.set(key, Date.now() - setAt);
      }
      await sleep(5);
    }
    expect(expiredAfter.size).toBe(keys.length);
    expect(Math.min(...expiredAfter.values())).toBeGreaterThanOrEqual(ttlMs * 0.8);
    expect(cache.localSize).toBe(0);
  });
});

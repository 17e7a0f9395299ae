import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { histogramSummary, TcpProxy, TEST_SERVERS, uniqueTestId, waitFor } from '../testing';
import { DistributedLockService } from './distributed-lock.service';
import { RedisLockDriver } from './redis-lock.driver';

const prefix = `${uniqueTestId('lock')}:`;
const managers: RedisConnectionManager[] = [];

/** A connection manager whose connection is ready (the offline queue is off, so commands need it). */
async function connect(url = TEST_SERVERS.redisUrl): Promise<RedisConnectionManager> {
  const manager = new RedisConnectionManager({
    url,
    keyPrefix: prefix,
    commandTimeoutMs: 500,
    connectionName: 'lock-int-test',
  });
  managers.push(manager);
  await waitFor(() => manager.isReady(), { timeoutMs: 5000, description: `Redis at ${url} to be ready` });
  return manager;
}

function lockService(redis: RedisConnectionManager, metrics = new MetricsService('lock-int')) {
  return new DistributedLockService(new RedisLockDriver(redis), metrics);
}

describe('DistributedLockService on Redis', () => {
  beforeAll(() => Logger.overrideLogger(false));

  afterAll(async () => {
    const redis = await connect();
    const keys = await redis.client.keys(`${prefix}*`);
    if (keys.length > 0) await redis.client.del(...keys);
    await Promise.all(managers.map((manager) => manager.close()));
  });

  it('never lets two of 50 contenders on 5 connections hold the lock, and fences strictly increase', async () => {
    const services = await Promise.all(Array.from({ length: 5 }, async () => lockService(await connect())));
    let holders = 0;
    let maxHolders = 0;
    const fences: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        services[index % services.length].withLock(
          'contended',
          async (lock) => {
            holders += 1;
            maxHolders = Math.max(maxHolders, holders);
            fences.push(lock.fencingToken);
            await sleep(2);
            holders -= 1;
          },
          { ttlMs: 2000, retries: 1000, retryDelayMs: 2, jitterMs: 3 },
        ),
      ),
    );
    expect(maxHolders).toBe(1);
    expect(fences).toHaveLength(50);
    for (let index = 1; index < fences.length; index += 1)
      expect(fences[index]).toBeGreaterThan(fences[index - 1]);
    expect(fences.every((fence) => Number.isSafeInteger(fence))).toBe(true);
  });

  it('keeps fencing tokens increasing when the fence counter is lost (e.g. Redis restarted empty)', async () => {
    const redis = await connect();
    const locks = lockService(redis);
    const first = await locks.acquire('fenced', { ttlMs: 5000 });
    await locks.release('fenced', first!.token);
    const second = await locks.acquire('fenced', { ttlMs: 5000 });
    expect(second!.fencingToken).toBe(first!.fencingToken + 1);
    await locks.release('fenced', second!.token);
    await redis.client.del(`${prefix}lock:{fenced}:fence`);
    const third = await locks.acquire('fenced', { ttlMs: 5000 });
    expect(third!.fencingToken).toBeGreaterThan(second!.fencingToken);
  });

  it('records cloudphone_lock_acquire_duration_seconds by lock and result, retries included', async () => {
    const metrics = new MetricsService('lock-int');
    const locks = lockService(await connect(), metrics);
    const lease = await locks.acquire('timed:1', { ttlMs: 5000 });
    if (!lease) throw new Error('timed:1 should have been free');
    const busyStarted = performance.now();
    expect(
      await locks.acquire('timed:1', { ttlMs: 5000, retries: 2, retryDelayMs: 100, jitterMs: 0 }),
    ).toBeNull();
    const busyElapsed = (performance.now() - busyStarted) / 1000;
    const metric = 'cloudphone_lock_acquire_duration_seconds';
    // The label is the resource's first segment, so per-id locks share one series.
    expect((await histogramSummary(metrics, metric, { lock: 'timed', result: 'acquired' })).count).toBe(1);
    const busy = await histogramSummary(metrics, metric, { lock: 'timed', result: 'busy' });
    expect(busy.count).toBe(1);
    // Two backoffs (100 ms, then 200 ms) before giving up are part of the measured time.
    expect(busy.sum).toBeGreaterThanOrEqual(0.29);
    expect(busy.sum).toBeLessThanOrEqual(busyElapsed);
    await locks.release('timed:1', lease.token);
  });

  it('refuses release and extend with a wrong token', async () => {
    const locks = lockService(await connect());
    const lease = await locks.acquire('owned', { ttlMs: 5000 });
    expect(lease).not.toBeNull();
    expect(await locks.release('owned', 'wrong-token')).toBe(false);
    expect(await locks.extend('owned', 'wrong-token', 60000)).toBe(false);
    expect(await locks.acquire('owned', { ttlMs: 5000 })).toBeNull();
    expect(await locks.release('owned', lease!.token)).toBe(true);
    expect(await locks.release('owned', lease!.token)).toBe(false);
  });

  it('frees a crashed holder’s lock when its TTL passes (Redis clock), with a higher fence', async () => {
    const crashing = await connect();
    const crashed = await lockService(crashing).acquire('crash', { ttlMs: 300 });
    crashing.client.disconnect();
    const locks = lockService(await connect());
    expect(await locks.acquire('crash', { ttlMs: 1000 })).toBeNull();
    const started = Date.now();
    const next = await locks.acquire('crash', { ttlMs: 1000, retries: 50, retryDelayMs: 20 });
    expect(next).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(next!.fencingToken).toBeGreaterThan(crashed!.fencingToken);
  });

  it('keeps a job running three times its TTL locked with the watchdog', async () => {
    const locks = lockService(await connect());
    const contender = lockService(await connect());
    let contenderWon = false;
    const aborted = await locks.withLock(
      'long-job',
      async (lock) => {
        const until = Date.now() + 900;
        while (Date.now() < until) {
          if (await contender.acquire('long-job', { ttlMs: 300 })) contenderWon = true;
          await sleep(50);
        }
        return lock.signal.aborted;
      },
      { ttlMs: 300 },
    );
    expect(aborted).toBe(false);
    expect(contenderWon).toBe(false);
    expect(await contender.acquire('long-job', { ttlMs: 300 })).not.toBeNull();
  });

  it('aborts the running function’s signal when the lock expires under it', async () => {
    const redis = await connect();
    const metrics = new MetricsService('lock-int');
    const locks = lockService(redis, metrics);
    const reason = await locks.withLock(
      'expiring',
      async (lock) => {
        await redis.client.del(`${prefix}lock:{expiring}`);
        await new Promise((resolve) => lock.signal.addEventListener('abort', resolve, { once: true }));
        return lock.signal.reason as { code: string };
      },
      { ttlMs: 300 },
    );
    expect(reason.code).toBe('LOCK_LOST');
    const lost = await metrics.registry.getSingleMetric('cloudphone_lock_lost_total')!.get();
    expect(lost.values).toEqual([
      expect.objectContaining({ value: 1, labels: { lock: 'expiring', reason: 'taken-or-expired' } }),
    ]);
  });

  it('fails fast with a typed error when Redis is down or hangs, and works again when it is back', async () => {
    const proxy = await new TcpProxy(
      '127.0.0.1',
      Number(new URL(TEST_SERVERS.redisUrl).port || 6379),
    ).start();
    try {
      const redis = await connect(proxy.wrap(TEST_SERVERS.redisUrl));
      const metrics = new MetricsService('lock-int');
      const locks = lockService(redis, metrics);
      await redis.ping();
      expect(await locks.acquire('outage', { ttlMs: 1000 })).not.toBeNull();

      proxy.cut();
      let started = Date.now();
      await expect(locks.acquire('outage-2', { ttlMs: 1000, retries: 3 })).rejects.toMatchObject({
        code: 'LOCK_BACKEND_UNAVAILABLE',
      });
      expect(Date.now() - started).toBeLessThan(1500);
      expect(
        await histogramSummary(metrics, 'cloudphone_lock_acquire_duration_seconds', {
          lock: 'outage-2',
          result: 'error',
        }),
      ).toEqual(expect.objectContaining({ count: 1 }));

      proxy.restore();
      await waitFor(() => redis.isReady(), { timeoutMs: 10000, description: 'Redis to reconnect' });
      expect(await locks.acquire('outage-3', { ttlMs: 1000 })).not.toBeNull();

      const hanging = await connect(proxy.wrap(TEST_SERVERS.redisUrl));
      await hanging.ping();
      proxy.blackhole();
      started = Date.now();
      await expect(lockService(hanging).acquire('outage-4', { ttlMs: 1000 })).rejects.toMatchObject({
        code: 'LOCK_BACKEND_UNAVAILABLE',
      });
      expect(Date.now() - started).toBeLessThan(1500);
      hanging.client.disconnect();
      proxy.restore();
      await waitFor(() => redis.isReady(), { timeoutMs: 10000, description: 'Redis to reconnect' });
      await redis.close();
    } finally {
      await proxy.close();
    }
  });
});

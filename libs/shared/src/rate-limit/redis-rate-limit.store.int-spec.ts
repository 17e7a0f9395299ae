import { setTimeout as sleep } from 'node:timers/promises';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { TcpProxy, TEST_SERVERS, uniqueTestId, waitFor } from '../testing';
import type { RateLimitOptions } from './rate-limit.decorators';
import { RateLimitService } from './rate-limit.service';
import { RedisRateLimitStore } from './redis-rate-limit.store';

// The sliding-window script on the real Redis, under a key prefix unique to this run.
const prefix = `${uniqueTestId('ratelimit')}:`;
const managers: RedisConnectionManager[] = [];

async function connect(url = TEST_SERVERS.redisUrl) {
  const redis = new RedisConnectionManager({
    url,
    keyPrefix: prefix,
    commandTimeoutMs: 1000,
    connectionName: 'rate-limit-int-spec',
  });
  managers.push(redis);
  await waitFor(() => redis.isReady(), { description: `Redis at ${url}` });
  return redis;
}

afterAll(async () => {
  const redis = await connect();
  const keys = await redis.client.keys(`${prefix}*`);
  if (keys.length > 0) await redis.client.unlink(...keys);
  await Promise.all(managers.map((manager) => manager.close()));
});

describe('RedisRateLimitStore', () => {
  it('allows exactly N of many concurrent requests from two replicas', async () => {
    const stores = [new RedisRateLimitStore(await connect()), new RedisRateLimitStore(await connect())];
    const check = [{ key: 'exact', points: 37, windowMs: 60000 }];
    const verdicts = await Promise.all(Array.from({ length: 200 }, (_, i) => stores[i % 2].consume(check)));
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(37);
    const remaining = verdicts.filter((v) => v.allowed).map((v) => v.states[0].remaining);
    expect(new Set(remaining).size).toBe(37); // every allowed request saw its own count
    const refused = verdicts.find((verdict) => !verdict.allowed);
    expect(refused?.retryAfterMs).toBeGreaterThan(55000);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(60000);
  });

  it('slides on Redis time: no second burst right after the first, room again once it has aged out', async () => {
    const store = new RedisRateLimitStore(await connect());
    const check = [{ key: 'sliding', points: 5, windowMs: 1500 }];
    const fire = async (count: number) => {
      const verdicts = [];
      for (let i = 0; i < count; i += 1) verdicts.push(await store.consume(check));
      return verdicts;
    };
    const first = await fire(5);
    expect(first.every((verdict) => verdict.allowed)).toBe(true);
    await sleep(700);
    const second = await fire(5);
    expect(second.some((verdict) => verdict.allowed)).toBe(false);
    // Sub-millisecond scores: the wait is the oldest entry's age out, not rounded to 100 ms steps.
    expect(second[0].retryAfterMs).toBeGreaterThan(0);
    expect(second[0].retryAfterMs).toBeLessThanOrEqual(800);
    await sleep(second[4].retryAfterMs + 850);
    expect((await fire(6)).map((verdict) => verdict.allowed)).toEqual([true, true, true, true, true, false]);
  });

  it('checks several limits in one step: a refused request spends none of them', async () => {
    const store = new RedisRateLimitStore(await connect());
    const checks = [
      { key: 'multi:per-second', points: 2, windowMs: 1000 },
      { key: 'multi:per-hour', points: 3, windowMs: 3600000 },
    ];
    expect((await store.consume(checks)).allowed).toBe(true);
    expect((await store.consume(checks)).allowed).toBe(true);
    const refused = await store.consume(checks);
    expect(refused.allowed).toBe(false);
    expect(refused.states.map((state) => state.remaining)).toEqual([0, 1]);
    await sleep(1050);
    const third = await store.consume(checks);
    expect(third.allowed).toBe(true);
    expect(third.states.map((state) => state.remaining)).toEqual([1, 0]);
  });
});

describe('RateLimitService', () => {
  const request = { ip: '10.0.0.1', method: 'POST', socket: {} } as unknown as Request;

  function service(redis: RedisConnectionManager, breakerOpenMs = 60000) {
    return new RateLimitService({
      serviceName: 'rl-test',
      store: new RedisRateLimitStore(redis),
      metrics: new MetricsService('rl-test'),
      writeLimit: { points: 10, windowMs: 60000 },
      onStoreDown: 'open',
      breakerFailureThreshold: 2,
      breakerOpenMs,
    });
  }

  it('answers with RateLimit-* headers, then 429 RATE_LIMITED with Retry-After', async () => {
    const limiter = service(await connect());
    const limits: RateLimitOptions[] = [{ points: 2, windowMs: 30000, by: 'ip' }];
    const call = { request, principal: undefined, routeId: uniqueTestId('Route.headers'), limits };
    expect(await limiter.enforce(call)).toEqual({
      'RateLimit-Limit': '2',
      'RateLimit-Remaining': '1',
      'RateLimit-Reset': '30',
    });
    await limiter.enforce(call);
    const refusal = await limiter.enforce(call).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'RATE_LIMITED', httpStatus: 429 });
    const headers = (refusal as AppError).headers ?? {};
    expect(Number(headers['Retry-After'])).toBeGreaterThanOrEqual(29);
    expect(headers['RateLimit-Remaining']).toBe('0');
  });

  it('follows each route’s policy while Redis is unreachable, then recovers', async () => {
    const url = new URL(TEST_SERVERS.redisUrl);
    const proxy = await new TcpProxy(url.hostname, Number(url.port || 6379)).start();
    try {
      const limiter = service(await connect(proxy.wrap(TEST_SERVERS.redisUrl)), 300);
      const open = {
        request,
        principal: undefined,
        routeId: 'Route.open',
        limits: [{ points: 1, windowMs: 1000, onStoreDown: 'open' as const }],
      };
      const closed = {
        request,
        principal: undefined,
        routeId: uniqueTestId('Route.closed'),
        limits: [{ points: 100, windowMs: 1000, onStoreDown: 'closed' as const }],
      };
      proxy.cut();
      for (let i = 0; i < 3; i += 1) {
        expect(await limiter.enforce(open)).toEqual({});
        await expect(limiter.enforce(closed)).rejects.toMatchObject({
          code: 'RATE_LIMIT_UNAVAILABLE',
          httpStatus: 503,
        });
      }
      proxy.restore();
      const headers = await waitFor(() => limiter.enforce(closed).catch(() => null), {
        timeoutMs: 10000,
        description: 'the closed route to be served again once Redis is back',
      });
      expect(headers['RateLimit-Limit']).toBe('100');
    } finally {
      await Promise.all(managers.splice(-1).map((manager) => manager.close()));
      await proxy.close();
    }
  });
});

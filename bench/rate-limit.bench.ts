import { randomBytes } from 'node:crypto';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { Request } from 'express';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import {
  MetricsService,
  RateLimitService,
  RedisConnectionManager,
  RedisRateLimitStore,
} from '@cloudphone/shared';
import { BENCH_REDIS_URL, deleteKeys, measureThroughput, median } from './bench-support';

// Rate-limit check throughput at concurrency 32 against the local Redis, side by side:
// ours (exact sliding window, one EVALSHA, through the full RateLimitService path a request takes),
// rate-limiter-flexible's RateLimiterRedis (fixed window) and @nestjs/throttler's documented Redis
// storage, @nest-lab/throttler-storage-redis (fixed window plus block key, EVAL per call).
// Keys are spread over 10,000 callers with 100 points per minute each, so checks are allowed, as
// most real checks are.
const CONCURRENCY = 32;
const ROUND_MS = 3000;
const ROUNDS = 3;
const CALLERS = 10000;
const POINTS = 100;
const WINDOW_MS = 60000;

async function main(): Promise<void> {
  const run = `bench_rl_${randomBytes(4).toString('hex')}`;
  const ours = new RedisConnectionManager({
    url: BENCH_REDIS_URL,
    keyPrefix: `${run}:ours:`,
    commandTimeoutMs: 5000,
    connectionName: 'bench-rate-limit',
  });
  const rlfClient = new Redis(BENCH_REDIS_URL, { enableOfflineQueue: false });
  const throttlerClient = new Redis(BENCH_REDIS_URL);
  await Promise.all(
    [ours.client, rlfClient, throttlerClient].map(
      (client) =>
        new Promise<void>((resolve) =>
          client.status === 'ready' ? resolve() : client.once('ready', () => resolve()),
        ),
    ),
  );

  const service = new RateLimitService({
    serviceName: 'bench',
    store: new RedisRateLimitStore(ours),
    metrics: new MetricsService('bench'),
    writeLimit: { points: 0, windowMs: WINDOW_MS },
    onStoreDown: 'open',
    breakerFailureThreshold: 3,
    breakerOpenMs: 1000,
  });
  const limits = [{ points: POINTS, windowMs: WINDOW_MS, by: 'ip' as const }];
  const requests = Array.from(
    { length: CALLERS },
    (_, index) =>
      ({ ip: `10.${index >> 8}.${index & 255}.1`, method: 'POST', socket: {} }) as unknown as Request,
  );
  const rateLimiterFlexible = new RateLimiterRedis({
    storeClient: rlfClient,
    keyPrefix: `${run}:rlf`,
    points: POINTS,
    duration: WINDOW_MS / 1000,
  });
  const throttler = new ThrottlerStorageRedisService(throttlerClient);

  const contenders: Array<{ name: string; check: (sequence: number) => Promise<unknown> }> = [
    {
      name: 'ours: RateLimitService + Redis sliding window',
      check: (sequence) =>
        service.enforce({
          request: requests[sequence % CALLERS],
          principal: undefined,
          routeId: 'Bench.route',
          limits,
        }),
    },
    {
      name: 'rate-limiter-flexible RateLimiterRedis',
      check: (sequence) => rateLimiterFlexible.consume(`10.${sequence % CALLERS}`),
    },
    {
      name: '@nestjs/throttler + @nest-lab/throttler-storage-redis',
      check: (sequence) =>
        throttler.increment(`${run}:thr:10.${sequence % CALLERS}`, WINDOW_MS, POINTS, WINDOW_MS, 'default'),
    },
  ];

  const results = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  for (const contender of contenders) await measureThroughput(contender.check, CONCURRENCY, 500);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const contender of contenders) {
      results.get(contender.name)?.push(await measureThroughput(contender.check, CONCURRENCY, ROUND_MS));
    }
  }

  const opsPerSecond = (name: string) => median(results.get(name) ?? []);
  console.log(
    `rate-limit check throughput, concurrency ${CONCURRENCY}, median of ${ROUNDS} rounds of ${ROUND_MS} ms`,
  );
  for (const contender of contenders) {
    const rounds = (results.get(contender.name) ?? []).map((value) => value.toFixed(0)).join(', ');
    console.log(`  ${contender.name}: ${opsPerSecond(contender.name).toFixed(0)} ops/s (rounds: ${rounds})`);
  }
  const mine = opsPerSecond(contenders[0].name);
  for (const peer of contenders.slice(1)) {
    console.log(`ratio ours / ${peer.name}: ${(mine / opsPerSecond(peer.name)).toFixed(2)}`);
  }

  await deleteKeys(rlfClient, `${run}:*`);
  await deleteKeys(rlfClient, `{${run}:*`);
  await Promise.all([ours.close(), rlfClient.quit(), throttlerClient.quit()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

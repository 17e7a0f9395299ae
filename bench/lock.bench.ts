// Lock acquire+release throughput and latency, ours vs redlock (v5, one Redis) on the same Redis,
// at concurrency 1 and 32; then the cluster-safe cron's own overhead per tick. Touches only
// 127.0.0.1 under a unique key prefix, deletes its keys and stops by itself.
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import {
  type BaseServiceConfig,
  CronRunner,
  CronSchedule,
  DistributedLockService,
  MetricsService,
  type RegisteredCronJob,
  RedisConnectionManager,
  RedisCronStateStore,
  RedisLockDriver,
  SYSTEM_CLOCK,
} from '@cloudphone/shared';
import Redlock from 'redlock';

const REDIS_URL = 'redis://127.0.0.1:6379';
const ROUND_MS = 500;
const ROUNDS = 12;
const CONCURRENCIES = [1, 32];
const CRON_TICKS = 2000;
const TTL_MS = 10_000;

type LockPair = (resource: string) => Promise<void>;

interface Sample {
  ops: number;
  elapsedMs: number;
  latencies: number[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(samples: Sample[]) {
  const ops = samples.reduce((sum, sample) => sum + sample.ops, 0);
  const elapsed = samples.reduce((sum, sample) => sum + sample.elapsedMs, 0);
  const latencies = samples.flatMap((sample) => sample.latencies).sort((a, b) => a - b);
  return {
    opsPerSecond: (ops * 1000) / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** `concurrency` workers, each acquiring and releasing its own resource in a loop for `durationMs`. */
async function measure(
  pair: LockPair,
  label: string,
  concurrency: number,
  durationMs: number,
): Promise<Sample> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const resource = `${label}:c${concurrency}:w${worker}`;
      while (performance.now() < deadline) {
        const begin = performance.now();
        await pair(resource);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { ops: latencies.length, elapsedMs: performance.now() - started, latencies };
}

async function connect(prefix: string, name: string): Promise<RedisConnectionManager> {
  const redis = new RedisConnectionManager({
    url: REDIS_URL,
    keyPrefix: prefix,
    commandTimeoutMs: 2000,
    connectionName: name,
  });
  for (let waited = 0; !redis.isReady(); waited += 20) {
    if (waited > 5000) throw new Error(`Redis at ${REDIS_URL} is not reachable`);
    await sleep(20);
  }
  return redis;
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const prefix = `bench_lock_${Date.now().toString(36)}:`;
  const oursRedis = await connect(prefix, 'bench-ours');
  const redlockRedis = await connect(prefix, 'bench-redlock');
  const metrics = new MetricsService('bench');
  const locks = new DistributedLockService(new RedisLockDriver(oursRedis), metrics);
  const redlock = new Redlock([redlockRedis.client], { retryCount: 0, retryDelay: 0, retryJitter: 0 });

  const ours: LockPair = async (resource) => {
    const lease = await locks.acquire(resource, { ttlMs: TTL_MS });
    if (!lease) throw new Error(`ours: ${resource} unexpectedly held`);
    await locks.release(resource, lease.token);
  };
  const theirs: LockPair = async (resource) => {
    const lock = await redlock.acquire([`${prefix}redlock:${resource}`], TTL_MS);
    await lock.release();
  };

  try {
    console.log(
      `lock acquire+release, ${ROUNDS} alternating rounds of ${ROUND_MS} ms per side, one Redis at ${REDIS_URL}`,
    );
    for (const concurrency of CONCURRENCIES) {
      await measure(ours, 'warm', concurrency, 300);
      await measure(theirs, 'warm', concurrency, 300);
      const oursSamples: Sample[] = [];
      const theirSamples: Sample[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        oursSamples.push(await measure(ours, 'ours', concurrency, ROUND_MS));
        theirSamples.push(await measure(theirs, 'redlock', concurrency, ROUND_MS));
      }
      const a = summarize(oursSamples);
      const b = summarize(theirSamples);
      const line = (name: string, s: ReturnType<typeof summarize>) =>
        `  ${name.padEnd(8)} c=${String(concurrency).padEnd(3)} ${s.opsPerSecond.toFixed(0).padStart(7)} ops/s  p50 ${s.p50.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms`;
      console.log(line('ours', a));
      console.log(line('redlock', b));
      console.log(
        `  c=${concurrency} ratio ours/redlock throughput ${(a.opsPerSecond / b.opsPerSecond).toFixed(2)}x, p50 latency ${(b.p50 / a.p50).toFixed(2)}x faster`,
      );
    }

    const store = new RedisCronStateStore(oursRedis, 'bench', 50);
    const config = { instanceId: 'bench', serviceName: 'bench' } as BaseServiceConfig;
    const runner = new CronRunner(store, locks, config, SYSTEM_CLOCK, metrics);
    const job: RegisteredCronJob = {
      definition: {
        name: 'bench-job',
        expression: '* * * * * *',
        timeZone: 'UTC',
        maxRunMs: 10_000,
        minHoldMs: 0,
        overlap: 'skip',
        catchUp: false,
        jitterMs: 0,
        handlerName: 'Bench.run',
        handler: async () => undefined,
      },
      schedule: new CronSchedule('* * * * * *', 'UTC'),
    };
    const base = Math.floor(Date.now() / 1000) * 1000 - CRON_TICKS * 2000;
    const claimRecord: number[] = [];
    const fullTick: number[] = [];
    for (let index = 0; index < CRON_TICKS; index += 1) {
      const scheduledAt = base + index * 2000;
      let begin = performance.now();
      await store.claimTick('bench-claim', String(scheduledAt), 'bench', 600_000);
      await store.record(
        {
          job: 'bench-claim',
          tick: String(scheduledAt),
          scheduledAt: new Date(scheduledAt).toISOString(),
          trigger: 'schedule',
          instanceId: 'bench',
          startedAt: new Date().toISOString(),
          finishedAt: new Date().toISOString(),
          durationMs: 0,
          outcome: 'success',
        },
        scheduledAt,
      );
      claimRecord.push(performance.now() - begin);
      begin = performance.now();
      const result = await runner.runTick(job, scheduledAt + 1000, 'schedule');
      if (result !== 'ran') throw new Error(`cron tick did not run: ${result}`);
      fullTick.push(performance.now() - begin);
    }
    claimRecord.sort((a, b) => a - b);
    fullTick.sort((a, b) => a - b);
    console.log(`cron overhead per tick over ${CRON_TICKS} ticks (target: claim + record p50 < 1 ms)`);
    console.log(
      `  claim + record                      p50 ${percentile(claimRecord, 50).toFixed(3)} ms  p99 ${percentile(claimRecord, 99).toFixed(3)} ms`,
    );
    console.log(
      `  full tick (claim, lock, run, record) p50 ${percentile(fullTick, 50).toFixed(3)} ms  p99 ${percentile(fullTick, 99).toFixed(3)} ms`,
    );
  } finally {
    const keys = await oursRedis.client.keys(`${prefix}*`);
    for (let index = 0; index < keys.length; index += 500)
      await oursRedis.client.del(...keys.slice(index, index + 500));
    await Promise.all([oursRedis.close(), redlockRedis.close()]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

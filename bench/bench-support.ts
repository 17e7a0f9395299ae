import type { Redis } from 'ioredis';

/** Runs `operation` from `concurrency` loops for `durationMs`; returns completed operations per second. */
export async function measureThroughput(
  operation: (sequence: number) => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<number> {
  let sequence = 0;
  let completed = 0;
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await operation(sequence++);
        completed += 1;
      }
    }),
  );
  return completed / ((performance.now() - started) / 1000);
}

/** Latency percentiles in microseconds of `iterations` sequential calls (after `warmup` calls). */
export async function measureLatency(
  operation: (sequence: number) => unknown,
  iterations: number,
  warmup = Math.ceil(iterations / 10),
): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < warmup; i += 1) await operation(i);
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i += 1) {
    const started = process.hrtime.bigint();
    await operation(i);
    samples[i] = Number(process.hrtime.bigint() - started) / 1000;
  }
  samples.sort();
  return { p50: samples[Math.floor(iterations * 0.5)], p99: samples[Math.floor(iterations * 0.99)] };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Deletes every key matching `pattern` (the benchmark's own prefixes only). */
export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export const BENCH_REDIS_URL = 'redis://127.0.0.1:6379';

// Allocation throughput, latency and cost end to end (`npm run bench:allocate`). In one run:
//   1. the API: user-service, billing-service and N device-service processes on this machine, a
//      2,000-device pool, 32 workers looping allocate → release over HTTP, with the CPU, SQL
//      statements, transactions, HTTP requests and events each pair cost; then one worker alone;
//   2. "the same transactions through pg": the service's own allocation statements without HTTP
//      (for information);
//   3. the fixed ceiling: the database's own claim + insert transaction from 16 pgbench clients.
// ratio = API allocations/s ÷ ceiling. Touches only 127.0.0.1, uses its own databases, Redis
// prefix and exchange, and removes them. Environment: BENCH_CONCURRENCY (32), BENCH_DURATION_MS
// (20000), BENCH_WARMUP_MS (20000: the load before the measured run, while the services' JIT
// compiles), BENCH_DEVICE_PROCESSES (2), BENCH_CPU_PROF_DIR (write a --cpu-prof profile per service:
// wall-clock samples), BENCH_PERF_MAP=1 (jitdump files for `perf record -k mono -g` and
// `perf inject --jit`, which sample CPU only), BENCH_API_ONLY=1 (skip the raw run and the ceiling,
// for quick before/after comparisons), BENCH_TIMELINE=1 (print what a c=1 allocate waited for, step
// by step across the processes: allocate/timeline-recorder.ts).
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkApi } from './allocate/api-run';
import { measureCeiling, CEILING_CLIENTS } from './allocate/database-ceiling';
import { driverAgent } from './allocate/load-driver';
import { benchmarkRaw } from './allocate/raw-run';

const POOL = 2000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 20_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 20_000);
// The raw run's statements go through pg from this process alone: its JIT is not measured.
const RAW_WARMUP_MS = 3000;
const DEVICE_PROCESSES = Number(process.env.BENCH_DEVICE_PROCESSES ?? 2);

async function main(): Promise<void> {
  const timelineDirectory =
    process.env.BENCH_TIMELINE === '1' ? mkdtempSync(join(tmpdir(), 'bench-timeline-')) : undefined;
  console.log(
    `allocate + release pairs, concurrency ${CONCURRENCY}, ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up, ` +
      `${POOL}-device pool; API = user + billing + ${DEVICE_PROCESSES} device-service process(es) over HTTP on this machine`,
  );
  const api = await benchmarkApi({
    pool: POOL,
    concurrency: CONCURRENCY,
    deviceProcesses: DEVICE_PROCESSES,
    warmupMs: WARMUP_MS,
    durationMs: DURATION_MS,
    profileDirectory: process.env.BENCH_CPU_PROF_DIR,
    perfMaps: process.env.BENCH_PERF_MAP === '1',
    timelineDirectory,
  });
  if (timelineDirectory) rmSync(timelineDirectory, { recursive: true, force: true });
  if (process.env.BENCH_API_ONLY === '1') return driverAgent.close();
  const raw = await benchmarkRaw({
    pool: POOL,
    concurrency: CONCURRENCY,
    warmupMs: RAW_WARMUP_MS,
    durationMs: DURATION_MS,
  });
  const ceiling = await measureCeiling(Math.round(DURATION_MS / 2000));
  console.log(
    `  ceiling    ${ceiling.transactionsPerSecond.toFixed(0).padStart(6)} allocation transactions/s` +
      ` (claim SKIP LOCKED + insert, ${CEILING_CLIENTS} ${ceiling.driver} clients, fixed schema)`,
  );
  console.log(
    `ratio ${(api.loaded.perSecond / ceiling.transactionsPerSecond).toFixed(3)} (API c=${CONCURRENCY} ÷ ceiling; target >= 0.10)` +
      `  same-through-pg ÷ ceiling ${(raw.perSecond / ceiling.transactionsPerSecond).toFixed(3)}` +
      `  CPU ${api.cpuMsPerPair.toFixed(1)} ms per pair (goal <= 6)  c=1 p50 ${api.alone.p50.toFixed(2)} ms (goal < 5)` +
      `  c=${CONCURRENCY} p99 ${api.loaded.p99.toFixed(0)} ms (goal < 100)`,
  );
  await driverAgent.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

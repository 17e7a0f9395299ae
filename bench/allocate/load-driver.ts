// The allocate benchmark's load: `workers` loops of allocate → release, latency of each allocate
// after a warm-up, and the same report line for every variant.
import { Agent, request } from 'undici';

export interface RunResult {
  pairs: number;
  seconds: number;
  allocateMs: number[];
  statuses: Map<string, number>;
}

export interface Window {
  warmupMs: number;
  durationMs: number;
  /** Called when measuring starts and when it ends (the work meter's snapshots). */
  onStart?: () => Promise<void>;
  onEnd?: () => Promise<void>;
}

export type Pair = (worker: number) => Promise<{ allocateMs: number; status: string }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `workers` loops of `pair` until the deadline; pairs started after the warm-up are measured. */
export async function drive(workers: number, window: Window, pair: Pair): Promise<RunResult> {
  const warmupEnd = performance.now() + window.warmupMs;
  const deadline = warmupEnd + window.durationMs;
  const result: RunResult = {
    pairs: 0,
    seconds: window.durationMs / 1000,
    allocateMs: [],
    statuses: new Map(),
  };
  const hooks = Promise.all([
    sleep(window.warmupMs).then(window.onStart),
    sleep(window.warmupMs + window.durationMs).then(window.onEnd),
  ]);
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < deadline) {
        const measured = performance.now() >= warmupEnd;
        const { allocateMs, status } = await pair(worker);
        if (!measured) continue;
        result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
        if (status === '201') {
          result.pairs += 1;
          result.allocateMs.push(allocateMs);
        }
      }
    }),
  );
  await hooks;
  return result;
}

export interface RunFigures {
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

export function report(label: string, run: RunResult): RunFigures {
  const sorted = [...run.allocateMs].sort((left, right) => left - right);
  const figures = {
    perSecond: run.pairs / run.seconds,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
  };
  const statuses = [...run.statuses.entries()].map(([status, count]) => `${status}×${count}`).join(' ');
  console.log(
    `  ${label.padEnd(10)} ${figures.perSecond.toFixed(0).padStart(6)} allocations/s  allocate p50 ${figures.p50.toFixed(2)} ms` +
      `  p95 ${figures.p95.toFixed(2)} ms  p99 ${figures.p99.toFixed(2)} ms  (${statuses})`,
  );
  return figures;
}

// The driver shares the machine's two cores with the services: undici's request() keeps its own
// share of the CPU small (fetch costs several times more per call).
export const driverAgent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });

export async function call(
  url: string,
  token: string,
  body: unknown,
): Promise<{ status: number; body: { id?: string } }> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    dispatcher: driverAgent,
  });
  return { status: response.statusCode, body: (await response.body.json()) as { id?: string } };
}

// Allocation throughput and latency end to end (`npm run bench:allocate`): user-service,
// billing-service and two device-service processes on this machine, a 2,000-device pool, workers
// looping allocate → release over HTTP; then, in the same run, the raw database ceiling: the same
// allocation transactions (claim, activate with its event, release with its reports and event)
// driven straight through the pg driver, no HTTP and no other service. Touches only 127.0.0.1,
// uses its own databases, Redis prefix and exchange, and removes them.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { SqlClient, TransactionRunner } from '@cloudphone/shared';
import { createTestDatabase, ServiceFleet, uniqueTestId } from '@cloudphone/shared/testing';
import { DataSource } from 'typeorm';
import { Agent, request } from 'undici';
import { toAllocationResponse } from '../apps/device-service/src/modules/allocations/allocation-record';
import { AllocationsRepository } from '../apps/device-service/src/modules/allocations/allocations.repository';
import { endingReports } from '../apps/device-service/src/modules/allocations/allocation-usage-reports';
import { usageReportMessage } from '../apps/device-service/src/modules/usage-reports/usage-report';
import { OutboxMessagesRepository } from '../libs/shared/src/events/outbox-messages.repository';
import { seedDevicePool } from '../tools/seed/device-pool.seed';

const USER = SERVICE_CATALOG.user.name;
const BILLING = SERVICE_CATALOG.billing.name;
const DEVICE = SERVICE_CATALOG.device.name;
const POOL = 2000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 20_000);
const WARMUP_MS = 3000;
const DEVICE_PROCESSES = Number(process.env.BENCH_DEVICE_PROCESSES ?? 2);

interface RunResult {
  pairs: number;
  seconds: number;
  allocateMs: number[];
  statuses: Map<string, number>;
}

/** `workers` loops of allocate → release until the deadline; allocate latencies after warm-up. */
async function drive(
  workers: number,
  pair: (worker: number) => Promise<{ allocateMs: number; status: string }>,
): Promise<RunResult> {
  const warmupEnd = performance.now() + WARMUP_MS;
  const deadline = warmupEnd + DURATION_MS;
  const result: RunResult = { pairs: 0, seconds: DURATION_MS / 1000, allocateMs: [], statuses: new Map() };
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
  return result;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

function report(label: string, run: RunResult): number {
  const sorted = [...run.allocateMs].sort((left, right) => left - right);
  const rate = run.pairs / run.seconds;
  const statuses = [...run.statuses.entries()].map(([status, count]) => `${status}×${count}`).join(' ');
  console.log(
    `  ${label.padEnd(5)} ${rate.toFixed(0).padStart(6)} allocations/s  allocate p50 ${percentile(sorted, 0.5).toFixed(2)} ms` +
      `  p95 ${percentile(sorted, 0.95).toFixed(2)} ms  p99 ${percentile(sorted, 0.99).toFixed(2)} ms  (${statuses})`,
  );
  return rate;
}

// The driver shares the machine's two cores with the services: undici's request() keeps its own
// share of the CPU small (fetch costs several times more per call).
const driverAgent = new Agent({ keepAliveTimeout: 30_000, connections: CONCURRENCY * 2 });

async function call(
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

async function benchmarkApi(): Promise<number> {
  const fleet = await ServiceFleet.start({
    processes: { [USER]: 1, [BILLING]: 1, [DEVICE]: DEVICE_PROCESSES },
    observe: ['device.#', 'allocation.#', 'billing.#'],
    environment: { RATE_LIMIT_WRITE_POINTS: '0' },
  });
  try {
    for (const processes of Object.values(fleet.processes))
      processes?.forEach((process) => process.stopCollectingLogs());
    await seedDevicePool(fleet.databases[DEVICE]!.url, { count: POOL, seed: 7 });
    const admin = fleet.tokens.admin();
    const users = await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        const created = await call(`${fleet.url(USER)}/users`, admin, {
          email: `${uniqueTestId('bench')}@example.com`,
          password: 'a-long-enough-password',
          displayName: 'Benchmark',
          tier: 'enterprise',
        });
        const id = created.body.id as string;
        await call(`${fleet.url(BILLING)}/billing/accounts/${id}/top-up`, admin, {
          amountMinor: '100000000000',
          reference: uniqueTestId('bench'),
        });
        return fleet.tokens.user({ userId: id });
      }),
    );
    const replicas = Array.from({ length: DEVICE_PROCESSES }, (_, index) => fleet.url(DEVICE, index));
    let turn = 0;
    return report(
      'API',
      await drive(CONCURRENCY, async (worker) => {
        const base = replicas[turn++ % replicas.length];
        const started = performance.now();
        const allocated = await call(`${base}/scheduler/devices/allocate`, users[worker], {
          durationMinutes: 30,
        });
        const allocateMs = performance.now() - started;
        if (allocated.status === 201) {
          const released = await call(`${base}/scheduler/devices/release`, users[worker], {
            allocationId: allocated.body.id,
          });
          if (released.status !== 200) return { allocateMs, status: `release ${released.status}` };
        }
        return { allocateMs, status: String(allocated.status) };
      }),
    );
  } finally {
    await fleet.stop();
  }
}

/** The outbox row the publisher would write, inline (the ceiling has no relay and no broker). */
async function insertEvent(sql: SqlClient, type: string, aggregateId: string, data: unknown): Promise<void> {
  await sql.rows(`INSERT INTO outbox (event_id, event_type, aggregate_key, data) VALUES ($1, $2, $3, $4)`, [
    randomUUID(),
    type,
    `${type.split('.')[0]}:${aggregateId}`,
    JSON.stringify(data),
  ]);
}

async function benchmarkRaw(): Promise<number> {
  const database = await createTestDatabase(DEVICE);
  const dataSource = await new DataSource({
    type: 'postgres',
    url: database.url,
    poolSize: 20,
  }).initialize();
  try {
    await seedDevicePool(database.url, { count: POOL, seed: 7 });
    const sql = new SqlClient(dataSource);
    const transactions = new TransactionRunner(dataSource);
    const allocations = new AllocationsRepository(sql);
    const reports = new OutboxMessagesRepository(sql);
    const userIds = Array.from({ length: CONCURRENCY }, () => randomUUID());
    return report(
      'raw',
      await drive(CONCURRENCY, async (worker) => {
        const started = performance.now();
        const claimed = await allocations.claimDevice({
          allocationId: randomUUID(),
          userId: userIds[worker],
          tenantId: 'default',
          durationMinutes: 30,
          cpuCores: 1,
          memoryMb: 0,
          storageGb: 0,
          region: null,
          androidVersion: null,
          idempotencyKey: null,
          requestHash: null,
        });
        if (claimed.kind !== 'claimed') return { allocateMs: performance.now() - started, status: '409' };
        const claim = claimed.claim;
        const active = await transactions.run(async () => {
          const record = await allocations.activate(claim, await allocations.now(), (startedAt, expiresAt) =>
            toAllocationResponse({ ...claim, status: 'active', startedAt, expiresAt }),
          );
          await insertEvent(sql, 'device.allocated', claim.deviceId, record?.response);
          return record;
        });
        const allocateMs = performance.now() - started;
        await transactions.run(async () => {
          const ended = await allocations.end(claim.id, 'released', await allocations.now());
          if (!ended || !active) throw new Error('release failed');
          await reports.store(endingReports(ended).map(usageReportMessage), 60_000);
          await insertEvent(sql, 'device.released', ended.deviceId, { allocationId: ended.id });
        });
        return { allocateMs, status: '201' };
      }),
    );
  } finally {
    await dataSource.destroy();
    await database.drop();
  }
}

async function main(): Promise<void> {
  console.log(
    `allocate + release pairs, concurrency ${CONCURRENCY}, ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up, ` +
      `${POOL}-device pool; API = user + billing + ${DEVICE_PROCESSES} device-service process(es) over HTTP on this machine`,
  );
  const api = await benchmarkApi();
  const raw = await benchmarkRaw();
  console.log(`ratio ${(api / raw).toFixed(2)} (API/raw allocations per second; target >= 0.25)`);
  await driverAgent.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { Agent, request } from 'undici';
import { type AllocationResponse, SERVICE_CATALOG, type ServiceName } from '@cloudphone/contracts';
import { repositoryRoot, ServiceFleet, uniqueTestId, waitFor } from '@cloudphone/shared/testing';

// The allocate benchmark's load as a test: a short burst of allocate → release pairs at
// concurrency 32 across two device-service replicas, then direct reads of every service's database
// proving that no guarantee weakens under load — every report delivered and none refused, quota
// usage equal to live allocations, one usage record per ended allocation, no device held twice.
const USER = SERVICE_CATALOG.user.name;
const BILLING = SERVICE_CATALOG.billing.name;
const DEVICE = SERVICE_CATALOG.device.name;
const SERVICES: ServiceName[] = [USER, BILLING, DEVICE];
// The issue asks for a burst "for example 2,000 pairs"; 1,200 keeps the suite well inside its 20 minutes.
const PAIRS = 1200;
const WORKERS = 32;
const POOL = 300;

interface Answer {
  status: number;
  body: AllocationResponse & Record<string, unknown>;
}

interface Renter {
  id: string;
  token: string;
}

// undici's request() keeps the driver's share of the two cores small (as the benchmark does).
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });

async function post(url: string, token: string, body: unknown): Promise<Answer> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    dispatcher: agent,
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? JSON.parse(text) : {} };
}

function expectStatus(answer: Answer, status: number, what: string): void {
  if (answer.status !== status) {
    throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

/**
 * `seedDevicePool(url, {count, seed})` as `npm run seed` runs it (dist/tools/seed/seed.js): e2e may
 * not import the tools project, and the built script is the same code the benchmark calls.
 */
function seedDevicePool(databaseUrl: string, options: { count: number; seed: number }): Promise<void> {
  const script = join(repositoryRoot(), 'dist', 'tools', 'seed', 'seed.js');
  const args = [script, '--count', String(options.count), '--seed', String(options.seed)];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...args, '--database-url', databaseUrl],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`seeding the device pool failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve();
      },
    );
  });
}

/** Sorted copy, so sets of ids compare with toEqual. */
function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

describe('a burst of allocate → release pairs through two device-service replicas', () => {
  let fleet: ServiceFleet;
  const databases = new Map<ServiceName, Client>();
  let renters: Renter[] = [];
  /** billedSeconds each release answered, by allocation id. */
  const released = new Map<string, number>();
  /** The one allocation each renter keeps after the burst, by user id. */
  const kept = new Map<string, AllocationResponse>();

  beforeAll(async () => {
    fleet = await ServiceFleet.start({
      processes: { [USER]: 1, [BILLING]: 1, [DEVICE]: 2 },
      // The events' consumers (notification-service, ...) are not in this fleet: an observer queue
      // binds their patterns, else device.* events stay unroutable in the outbox, retried for ever.
      observe: ['device.#', 'allocation.#', 'billing.#'],
      environment: { RATE_LIMIT_WRITE_POINTS: '0' },
      serviceEnvironment: {
        // 32 requests at a time on four processes sharing two cores (as allocation-scheduler and
        // cluster e2e do): with the 1 s attempt default, a cold start's first quota calls time out
        // and the allocate is refused (503 DEPENDENCY_UNAVAILABLE, quota given back), not slowed.
        [DEVICE]: { HTTP_CLIENT_ATTEMPT_TIMEOUT_MS: '10000', HTTP_CLIENT_TIMEOUT_MS: '20000' },
      },
    });
    // Thousands of request log lines are of no use here; failures carry their answer.
    for (const processes of Object.values(fleet.processes))
      processes?.forEach((process) => process.stopCollectingLogs());
    await seedDevicePool(databaseUrl(DEVICE), { count: POOL, seed: 11 });
    renters = await fundedRenters(WORKERS);
    for (const service of SERVICES) {
      const client = new Client({ connectionString: databaseUrl(service) });
      await client.connect();
      databases.set(service, client);
    }
  }, 120_000);

  afterAll(async () => {
    for (const client of databases.values()) await client.end().catch(() => undefined);
    await fleet?.stop();
    await agent.close();
  }, 60_000);

  function databaseUrl(service: ServiceName): string {
    const database = fleet.databases[service];
    if (!database) throw new Error(`${service} has no database in this fleet`);
    return database.url;
  }

  async function fundedRenters(count: number): Promise<Renter[]> {
    const admin = fleet.tokens.admin();
    return Promise.all(
      Array.from({ length: count }, async () => {
        const created = await post(`${fleet.url(USER)}/users`, admin, {
          email: `${uniqueTestId('burst')}@example.com`,
          password: 'a-long-enough-password',
          displayName: 'Burst renter',
          tier: 'enterprise',
        });
        expectStatus(created, 201, 'creating a user');
        const id = created.body.id;
        const topUp = await post(`${fleet.url(BILLING)}/billing/accounts/${id}/top-up`, admin, {
          amountMinor: '100000000000',
          reference: uniqueTestId('burst'),
        });
        expectStatus(topUp, 200, 'top-up');
        return { id, token: fleet.tokens.user({ userId: id }) };
      }),
    );
  }

  async function query<T extends Record<string, unknown>>(
    service: ServiceName,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = databases.get(service);
    if (!client) throw new Error(`no connection to ${service}'s database`);
    return (await client.query<T>(sql, params)).rows;
  }

  async function count(service: ServiceName, sql: string, params: unknown[] = []): Promise<number> {
    const [row] = await query<{ count: string }>(service, sql, params);
    return Number(row.count);
  }

  it('answers 1,200 allocate → release pairs at concurrency 32, then one kept allocation per renter', async () => {
    const replicas = [fleet.url(DEVICE, 0), fleet.url(DEVICE, 1)];
    let taken = 0;
    let turn = 0;
    let failed = false;
    const started = performance.now();
    await Promise.all(
      renters.map(async (renter) => {
        // Pairs are handed out one at a time, so the burst is exactly PAIRS pairs whoever is faster.
        while (!failed && taken < PAIRS) {
          taken += 1;
          const base = replicas[turn++ % replicas.length];
          try {
            const allocated = await post(`${base}/scheduler/devices/allocate`, renter.token, {
              durationMinutes: 30,
            });
            expectStatus(allocated, 201, `allocate on ${base}`);
            const ended = await post(`${base}/scheduler/devices/release`, renter.token, {
              allocationId: allocated.body.id,
            });
            expectStatus(ended, 200, `release of ${allocated.body.id} on ${base}`);
            released.set(ended.body.id, ended.body.billedSeconds as number);
          } catch (error) {
            failed = true;
            throw error;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `allocation burst: ${released.size} pairs in ${seconds.toFixed(1)} s = ` +
        `${(released.size / seconds).toFixed(1)} pairs/s (concurrency ${WORKERS}, 2 device-service replicas)`,
    );
    expect(released.size).toBe(PAIRS);

    // One more allocation each, left active: quota usage must then be exactly one device per renter.
    await Promise.all(
      renters.map(async (renter, index) => {
        const base = replicas[index % replicas.length];
        const allocated = await post(`${base}/scheduler/devices/allocate`, renter.token, {
          durationMinutes: 30,
        });
        expectStatus(allocated, 201, `the kept allocate on ${base}`);
        kept.set(renter.id, allocated.body);
      }),
    );
    expect(kept.size).toBe(WORKERS);
  }, 180_000);

  it('delivers everything every service owed, and no outbox row is rejected', async () => {
    const left: Record<string, number> = {};
    const drained = await waitFor(
      async () => {
        for (const service of SERVICES) {
          left[service] = await count(
            service,
            `SELECT count(*) FROM outbox WHERE sent_at IS NULL AND rejected_at IS NULL`,
          );
        }
        return Object.values(left).every((rows) => rows === 0);
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'every outbox to drain' },
    ).catch(() => false);
    if (!drained) {
      // What is stuck, and why, before failing: pending rows by destination, type and last error.
      const stuck: Record<string, unknown> = {};
      for (const service of SERVICES) {
        stuck[service] = await query(
          service,
          `SELECT destination, event_type, count(*)::int AS rows, max(attempts) AS max_attempts,
                  min(next_attempt_at) AS next_attempt_at, min(last_error) AS last_error
             FROM outbox WHERE sent_at IS NULL AND rejected_at IS NULL
            GROUP BY destination, event_type`,
        );
      }
      throw new Error(`outboxes not drained after 30 s: ${JSON.stringify(left)} ${JSON.stringify(stuck)}`);
    }
    const rejected: Record<string, number> = {};
    const sent: Record<string, number> = {};
    for (const service of SERVICES) {
      rejected[service] = await count(service, `SELECT count(*) FROM outbox WHERE rejected_at IS NOT NULL`);
      sent[service] = await count(service, `SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL`);
    }
    console.log('outbox rows sent', sent, 'rejected', rejected);
    expect(rejected).toEqual({ [USER]: 0, [BILLING]: 0, [DEVICE]: 0 });
    // Each ended allocation owed a quota restore and a usage record: both went through the outbox.
    const reports = await query<{ event_type: string; count: string }>(
      DEVICE,
      `SELECT event_type, count(*) FROM outbox WHERE destination <> 'events' GROUP BY event_type ORDER BY 1`,
    );
    console.log('device-service reports', reports);
    expect(Object.fromEntries(reports.map((row) => [row.event_type, Number(row.count)]))).toMatchObject({
      'report.billing_usage': PAIRS,
      'report.quota_restore': PAIRS,
    });
  }, 60_000);

  it('counts in user-service exactly the live allocations of each user', async () => {
    interface Usage extends Record<string, unknown> {
      userId: string;
      devices: number;
      cpuCores: number;
      memoryMb: number;
      storageGb: number;
    }
    const usage = await query<Usage>(
      USER,
      `SELECT user_id AS "userId", used_devices::int AS devices, used_cpu_cores::int AS "cpuCores",
              used_memory_mb::int AS "memoryMb", used_storage_gb::int AS "storageGb"
         FROM user_quotas WHERE user_id = ANY($1::uuid[]) ORDER BY user_id`,
      [renters.map((renter) => renter.id)],
    );
    const held = await query<Usage>(
      DEVICE,
      `SELECT user_id AS "userId", count(*)::int AS devices, sum(cpu_cores)::int AS "cpuCores",
              sum(memory_mb)::int AS "memoryMb", sum(storage_gb)::int AS "storageGb"
         FROM device_allocations WHERE status IN ('pending', 'active') GROUP BY user_id ORDER BY user_id`,
    );
    console.log(
      `quota: ${usage.length} quota rows, ${usage.reduce((sum, row) => sum + row.devices, 0)} devices used; ` +
        `device-service: ${held.length} users, ${held.reduce((sum, row) => sum + row.devices, 0)} live allocations`,
    );
    expect(usage).toHaveLength(WORKERS);
    expect(usage).toEqual(held);
    // Each renter holds exactly the allocation it kept, with that device's spec.
    // (uuid order in Postgres is the hex strings' order.)
    const expected = [...kept.values()]
      .sort((left, right) => (left.userId < right.userId ? -1 : 1))
      .map((allocation) => ({
        userId: allocation.userId,
        devices: 1,
        cpuCores: allocation.cpuCores,
        memoryMb: allocation.memoryMb,
        storageGb: allocation.storageGb,
      }));
    expect(usage).toEqual(expected);
    // user-service's own ledger of reports: applied = the live allocations, restored = the ended ones.
    const records = await query<{ allocation_id: string; status: string }>(
      USER,
      `SELECT allocation_id, status FROM quota_usage_records WHERE user_id = ANY($1::uuid[])`,
      [renters.map((renter) => renter.id)],
    );
    const applied = records.filter((row) => row.status === 'applied').map((row) => row.allocation_id);
    const restored = records.filter((row) => row.status === 'restored').map((row) => row.allocation_id);
    console.log(`quota_usage_records: ${applied.length} applied, ${restored.length} restored`);
    expect(sorted(applied)).toEqual(sorted([...kept.values()].map((allocation) => allocation.id)));
    expect(sorted(restored)).toEqual(sorted(released.keys()));
  });

  it('bills every ended allocation exactly once, for the seconds device-service ended it with', async () => {
    const ended = await query<{ id: string; billed_seconds: number }>(
      DEVICE,
      `SELECT id, billed_seconds FROM device_allocations WHERE status = 'released'`,
    );
    const statuses = await query<{ status: string; count: string }>(
      DEVICE,
      `SELECT status, count(*) FROM device_allocations GROUP BY status ORDER BY status`,
    );
    const [billedCounts] = await query<{ total: string; distinct: string }>(
      BILLING,
      `SELECT count(*) AS total, count(DISTINCT allocation_id) AS distinct FROM usage_records`,
    );
    const billed = await query<{ allocation_id: string; billed_seconds: number; amount_minor: string }>(
      BILLING,
      `SELECT allocation_id, billed_seconds, amount_minor FROM usage_records`,
    );
    console.log(
      'device_allocations by status',
      Object.fromEntries(statuses.map((row) => [row.status, Number(row.count)])),
      `usage_records: ${billedCounts.total} rows, ${billedCounts.distinct} allocations`,
    );
    expect(ended).toHaveLength(PAIRS);
    expect(Number(billedCounts.total)).toBe(PAIRS);
    expect(Number(billedCounts.distinct)).toBe(PAIRS);
    expect(sorted(billed.map((row) => row.allocation_id))).toEqual(sorted(ended.map((row) => row.id)));
    expect(sorted(ended.map((row) => row.id))).toEqual(sorted(released.keys()));
    const endedSeconds = new Map(ended.map((row) => [row.id, row.billed_seconds]));
    const mismatched = billed.filter((row) => row.billed_seconds !== endedSeconds.get(row.allocation_id));
    expect(mismatched).toEqual([]);
    // …and what device-service recorded is what its release answered.
    const answered = ended.filter((row) => row.billed_seconds !== released.get(row.id));
    expect(answered).toEqual([]);
    // The charge comes back with billing's answer to each usage report: each allocation shows it.
    await waitFor(
      async () =>
        (await count(
          DEVICE,
          `SELECT count(*) FROM device_allocations WHERE status = 'released' AND charged_amount_minor IS NULL`,
        )) === 0,
      { timeoutMs: 15_000, intervalMs: 250, description: 'every charge recorded on its allocation' },
    );
    const charged = await query<{ id: string; charged_amount_minor: string }>(
      DEVICE,
      `SELECT id, charged_amount_minor FROM device_allocations WHERE status = 'released'`,
    );
    const billedAmount = new Map(billed.map((row) => [row.allocation_id, row.amount_minor]));
    const misCharged = charged.filter((row) => row.charged_amount_minor !== billedAmount.get(row.id));
    console.log(`charges recorded: ${charged.length}; differing from billing's amount: ${misCharged.length}`);
    expect(misCharged).toEqual([]);
  }, 30_000);

  it('holds each device by at most one allocation: the live ones, and only them', async () => {
    const held = await query<{ id: string; held_by: string }>(
      DEVICE,
      `SELECT id, held_by FROM devices WHERE held_by IS NOT NULL`,
    );
    const live = await query<{ id: string; device_id: string }>(
      DEVICE,
      `SELECT id, device_id FROM device_allocations WHERE status IN ('pending', 'active')`,
    );
    const doubles = await query(
      DEVICE,
      `SELECT device_id FROM device_allocations WHERE status IN ('pending', 'active')
        GROUP BY device_id HAVING count(*) > 1`,
    );
    console.log(
      `devices held: ${held.length}; live allocations: ${live.length}; doubly held: ${doubles.length}`,
    );
    expect(live).toHaveLength(WORKERS);
    expect(held).toHaveLength(live.length);
    expect(doubles).toEqual([]);
    // Each held device is held by the live allocation of that very device.
    expect(sorted(held.map((row) => `${row.id}:${row.held_by}`))).toEqual(
      sorted(live.map((row) => `${row.device_id}:${row.id}`)),
    );
    expect(sorted(live.map((row) => row.id))).toEqual(
      sorted([...kept.values()].map((allocation) => allocation.id)),
    );
  });
});

import { randomUUID } from 'node:crypto';
import { DatabasePool, SqlClient } from '@cloudphone/shared';
import { createTestDatabase, type TestDatabase } from '@cloudphone/shared/testing';
import type { ClaimRequest } from '../src/modules/allocations/allocation-claim';
import { AllocationsRepository } from '../src/modules/allocations/allocations.repository';
import { PLAIN, type PlacementChoice } from '../src/modules/allocations/placement-choice';

// The claim is the statement every allocate runs first. Postgres plans a prepared statement afresh
// for each call unless, after five calls, its generic plan is estimated no dearer than the plans
// made for the values at hand; with the request's filters as plain parameters that stopped being
// so once the tables were analysed, and every claim paid about as much to plan as to run. These
// run claims on one connection after ANALYZE, as a replica does in production, and read the plan
// cache of that connection (pg_prepared_statements).

const SCORED: PlacementChoice = { scored: true, policy: 'spread', affinityWeight: 0.2 };

describe('the claim statement keeps one generic plan per connection', () => {
  let database: TestDatabase;
  let pool: DatabasePool;
  let allocations: AllocationsRepository;

  beforeAll(async () => {
    database = await createTestDatabase('device-service');
    // One connection, so every claim and the plan-cache read below share it.
    pool = DatabasePool.create({ url: database.url, poolSize: 1 });
    allocations = new AllocationsRepository(new SqlClient(pool));
    await database.query(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb, status, health)
       SELECT 'simulated', 'claim-plan-' || n, CASE WHEN n % 4 = 0 THEN 'ap-south' ELSE 'eu-west' END,
         CASE WHEN n % 3 = 0 THEN '14' ELSE '13' END, 1 + n % 8, 2048 * (1 + n % 4), 32, 'available', 'healthy'
       FROM generate_series(1, 400) n`,
    );
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const request = (overrides: Partial<ClaimRequest> = {}): ClaimRequest => ({
    allocationId: randomUUID(),
    userId: randomUUID(),
    tenantId: 'default',
    durationMinutes: 30,
    cpuCores: 1,
    memoryMb: 256,
    storageGb: 1,
    region: null,
    androidVersion: null,
    idempotencyKey: null,
    requestHash: null,
    tolerations: [],
    ...overrides,
  });

  // Requests that differ in every filter, as a replica's callers do.
  const varied = (index: number): Partial<ClaimRequest> =>
    [
      {},
      { cpuCores: 4 },
      { region: 'ap-south' },
      { androidVersion: '14', memoryMb: 4096 },
      { cpuCores: 8, region: 'eu-west' },
    ][index % 5];

  async function claimPlans(): Promise<{ generic: number; custom: number }> {
    const { rows } = await pool.query<{ generic: string; custom: string }>(
      `SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements
       WHERE statement LIKE '%claim_sequence = d.claim_sequence + 1%'`,
    );
    return rows.reduce(
      (sum, row) => ({ generic: sum.generic + Number(row.generic), custom: sum.custom + Number(row.custom) }),
      { generic: 0, custom: 0 },
    );
  }

  async function claimEach(choice: PlacementChoice, count: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      const wanted = request(varied(index));
      const outcome = await allocations.claimDevice(wanted, choice);
      if (outcome.kind !== 'claimed') throw new Error(`claim ${index}: ${outcome.kind}`);
      // The generic plan answers each request's own filters.
      const claimed = outcome.claim;
      expect(claimed.cpuCores).toBeGreaterThanOrEqual(wanted.cpuCores);
      expect(claimed.memoryMb).toBeGreaterThanOrEqual(wanted.memoryMb);
      if (wanted.region) expect(claimed.region).toBe(wanted.region);
      if (wanted.androidVersion) expect(claimed.androidVersion).toBe(wanted.androidVersion);
    }
  }

  it('plain claims: five custom plans, then the generic plan, which answers every request', async () => {
    await database.query('ANALYZE');

    // The common request (any device), as in bench:allocate; then requests with every filter.
    for (let index = 0; index < 8; index++) await claimEach(PLAIN, 1);
    await claimEach(PLAIN, 10);

    const plans = await claimPlans();
    expect(plans.custom).toBeLessThanOrEqual(5);
    expect(plans.generic).toBeGreaterThanOrEqual(13);
  });

  it('scored claims (nodes exist) keep their generic plan too', async () => {
    // The eu-west devices on a node; the ap-south ones on none, offered as node-less devices.
    await database.query(
      `WITH node AS (
         INSERT INTO device_nodes (name, region, cpu_cores, memory_mb, storage_gb, max_devices)
         VALUES ('claim-plan-node', 'eu-west', 512, 1048576, 16384, 400) RETURNING id)
       UPDATE devices SET node_id = (SELECT id FROM node) WHERE region = 'eu-west'`,
    );
    await database.query('ANALYZE');
    const before = await claimPlans();

    for (let index = 0; index < 8; index++) await claimEach(SCORED, 1);
    await claimEach(SCORED, 10);

    const after = await claimPlans();
    expect(after.custom - before.custom).toBeLessThanOrEqual(5);
    expect(after.generic - before.generic).toBeGreaterThanOrEqual(13);
  });

  it('a request nothing matches still finds nothing on the generic plan', async () => {
    const outcome = await allocations.claimDevice(request({ cpuCores: 64 }), PLAIN);
    expect(outcome.kind).toBe('none');
    const missing = await allocations.claimDevice(request({ region: 'nowhere' }), PLAIN);
    expect(missing.kind).toBe('none');
  });
});

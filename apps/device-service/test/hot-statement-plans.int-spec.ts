import { randomUUID } from 'node:crypto';
import type { DatabasePool } from '@cloudphone/shared';
import { createRepositoryTestDatabase, type RepositoryTestDatabase } from '@cloudphone/shared/testing';
import type { ClaimRequest } from '../src/modules/allocations/allocation-claim';
import { AllocationsRepository } from '../src/modules/allocations/allocations.repository';
import { PLAIN, type PlacementChoice } from '../src/modules/allocations/placement-choice';
import { AllocationChargesRepository } from '../src/modules/usage-reports/allocation-charges.repository';

// Postgres plans a prepared statement afresh for each call unless, after five calls, its generic
// plan is estimated no dearer than the plans made for the values at hand. The claim (every
// allocate's first statement) and the statement storing billing's charges (one per delivered
// batch) read their parameters through planStableParameter so that it is; before, each call paid
// about as much to plan as to run. These run them on one connection after ANALYZE, as a replica
// does in production, and read the plan cache of that connection (pg_prepared_statements).

const CLAIM = 'claim_sequence = d.claim_sequence + 1';
const SCORED: PlacementChoice = { scored: true, policy: 'spread', affinityWeight: 0.2 };

describe('hot statements keep one generic plan per connection', () => {
  let database: RepositoryTestDatabase;
  let pool: DatabasePool;
  let allocations: AllocationsRepository;

  beforeAll(async () => {
    // One connection, so every claim and the plan-cache read below share it.
    database = await createRepositoryTestDatabase('device-service', { poolSize: 1 });
    pool = database.pool;
    allocations = new AllocationsRepository(database.sql);
    await database.query(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb, status, health)
       SELECT 'simulated', 'claim-plan-' || n, CASE WHEN n % 4 = 0 THEN 'ap-south' ELSE 'eu-west' END,
         CASE WHEN n % 3 = 0 THEN '14' ELSE '13' END, 1 + n % 8, 2048 * (1 + n % 4), 32, 'available', 'healthy'
       FROM generate_series(1, 400) n`,
    );
  });

  afterAll(() => database?.close());

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

  async function plansOf(statementPart: string): Promise<{ generic: number; custom: number }> {
    const { rows } = await pool.query<{ generic: string; custom: string }>(
      `SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements
       WHERE strpos(statement, $1) > 0`,
      [statementPart],
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

    const plans = await plansOf(CLAIM);
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
    const before = await plansOf(CLAIM);

    for (let index = 0; index < 8; index++) await claimEach(SCORED, 1);
    await claimEach(SCORED, 10);

    const after = await plansOf(CLAIM);
    expect(after.custom - before.custom).toBeLessThanOrEqual(5);
    expect(after.generic - before.generic).toBeGreaterThanOrEqual(13);
  });

  it('a request nothing matches still finds nothing on the generic plan', async () => {
    const outcome = await allocations.claimDevice(request({ cpuCores: 64 }), PLAIN);
    expect(outcome.kind).toBe('none');
    const missing = await allocations.claimDevice(request({ region: 'nowhere' }), PLAIN);
    expect(missing.kind).toBe('none');
  });

  it('the charges of a delivered batch: one generic plan whatever the batch size', async () => {
    // Tables of some size, analysed, as in a running replica.
    await database.query(
      `INSERT INTO device_allocations_history (id, device_id, user_id, tenant_id, status, fencing_token, region,
         android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, claimed_at, started_at, expires_at,
         ended_at, end_reason, billed_seconds, created_at)
       SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'default', 'released', 1, 'eu-west', '13',
         1, 2048, 32, 30, now(), now(), now() + interval '30 minutes', now(), 'released', 60, now()
       FROM generate_series(1, 3000)`,
    );
    await database.query(
      `INSERT INTO outbox (event_id, destination, event_type, aggregate_key, data, sent_at)
       SELECT gen_random_uuid(), 'billing-service', 'billing.usage', 'allocation:' || n, '{}', now()
       FROM generate_series(1, 3000) n`,
    );
    await database.query(
      `INSERT INTO device_allocations (id, device_id, user_id, tenant_id, status, fencing_token, region,
         android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, started_at, expires_at, ended_at,
         end_reason, billed_seconds)
       SELECT gen_random_uuid(), d.id, gen_random_uuid(), 'default', 'released', 1000 + n, d.region, d.android_version,
         d.cpu_cores, d.memory_mb, d.storage_gb, 30, now(), now() + interval '30 minutes', now(), 'released', 60
       FROM devices d CROSS JOIN generate_series(1, 8) n`,
    );
    await database.query('ANALYZE');
    const charges = new AllocationChargesRepository(database.sql);
    for (const size of [3, 4, 2, 3, 4, 2, 3, 4]) {
      const batch = Array.from({ length: size }, () => ({
        allocationId: randomUUID(),
        amountMinor: '125',
        currency: 'USD',
      }));
      const found = await charges.recordCharges(
        batch,
        batch.map(() => randomUUID()),
      );
      expect(found.size).toBe(0);
    }
    expect(await plansOf('SET charged_amount_minor')).toEqual({ generic: 3, custom: 5 });
  });
});

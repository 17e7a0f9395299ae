import { SERVICE_CATALOG, type AllocationResponse } from '@cloudphone/contracts';
import { ServiceFleet, uniqueTestId, waitFor } from '@cloudphone/shared/testing';

const USER = SERVICE_CATALOG.user.name;
const BILLING = SERVICE_CATALOG.billing.name;
const DEVICE = SERVICE_CATALOG.device.name;
const INITIAL_BALANCE = 100_000n;

interface Answer<T> {
  status: number;
  body: T;
}

// The allocation scheduler across replicas (issue 5): two device-service processes sharing one
// database, with real user-service and billing-service processes (billing behind a cuttable proxy).
describe('allocation scheduler across two device-service processes', () => {
  let fleet: ServiceFleet;

  beforeAll(async () => {
    fleet = await ServiceFleet.start({
      processes: { [USER]: 1, [BILLING]: 1, [DEVICE]: 2 },
      proxied: [BILLING],
      observe: ['device.#', 'allocation.#', 'billing.#'],
      environment: { RATE_LIMIT_WRITE_POINTS: '0' },
      serviceEnvironment: {
        [DEVICE]: {
          // 300 requests land at once on five processes sharing two cores: allow slow answers.
          HTTP_CLIENT_ATTEMPT_TIMEOUT_MS: '10000',
          HTTP_CLIENT_TIMEOUT_MS: '20000',
          EVENTS_RELAY_RETRY_INITIAL_DELAY_MS: '200',
          EVENTS_RELAY_RETRY_MAX_DELAY_MS: '1000',
        },
      },
    });
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
  }, 60_000);

  async function call<T>(
    base: string,
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<Answer<T>> {
    const response = await fetch(`${base}/${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function createUsers(count: number): Promise<Array<{ id: string; token: string }>> {
    const admin = fleet.tokens.admin();
    return Promise.all(
      Array.from({ length: count }, async () => {
        const created = await call<{ id: string }>(fleet.url(USER), 'POST', 'users', admin, {
          email: `${uniqueTestId('renter')}@example.com`,
          password: 'a-long-enough-password',
          displayName: 'Renter',
          tier: 'pro',
        });
        if (created.status !== 201) throw new Error(`user creation answered ${created.status}`);
        const topUp = await call(
          fleet.url(BILLING),
          'POST',
          `billing/accounts/${created.body.id}/top-up`,
          admin,
          {
            amountMinor: INITIAL_BALANCE.toString(),
            reference: uniqueTestId('ref'),
          },
        );
        if (topUp.status !== 200) throw new Error(`top-up answered ${topUp.status}`);
        return { id: created.body.id, token: fleet.tokens.user({ userId: created.body.id }) };
      }),
    );
  }

  async function addDevices(count: number, region: string): Promise<void> {
    await fleet.databases[DEVICE]!.query(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb)
       SELECT 'simulated', $1 || '-' || n, $1, '13', 4, 8192, 64 FROM generate_series(1, $2) AS n`,
      [region, count],
    );
  }

  async function quotaUsage(userId: string): Promise<number> {
    const answer = await call<{ usage: { devices: number } }>(
      fleet.url(USER),
      'GET',
      `quotas/${userId}`,
      fleet.tokens.service(),
    );
    return answer.body.usage.devices;
  }

  function billingQuery<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
    return fleet.databases[BILLING]!.query<T>(sql, params);
  }

  it('gives 100 devices to exactly 100 of 300 concurrent requests; quota and billing match to the unit', async () => {
    await addDevices(100, 'race-1');
    const users = await createUsers(30);
    const requests = Array.from({ length: 300 }, (_, index) => ({
      user: users[index % users.length],
      replica: index % 2,
    }));

    const answers = await Promise.all(
      requests.map(({ user, replica }) =>
        call<AllocationResponse & { code?: string }>(
          fleet.url(DEVICE, replica),
          'POST',
          'scheduler/devices/allocate',
          user.token,
          { durationMinutes: 30, requirements: { region: 'race-1' } },
        ),
      ),
    );

    const allocated = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(allocated).toHaveLength(100);
    expect(refused).toHaveLength(200);
    for (const answer of refused) expect(answer.body.code).toBe('NO_DEVICE_AVAILABLE');
    expect(new Set(allocated.map((answer) => answer.body.deviceId)).size).toBe(100);
    const doubles = await fleet.databases[DEVICE]!.query(
      `SELECT device_id FROM device_allocations WHERE status IN ('pending', 'active')
       GROUP BY device_id HAVING count(*) > 1`,
    );
    expect(doubles).toEqual([]);
    for (const user of users) {
      const held = allocated.filter((answer) => answer.body.userId === user.id).length;
      expect(await quotaUsage(user.id)).toBe(held);
    }

    const releases = await Promise.all(
      allocated.map((answer, index) =>
        call<AllocationResponse>(
          fleet.url(DEVICE, index % 2),
          'POST',
          'scheduler/devices/release',
          users.find((user) => user.id === answer.body.userId)!.token,
          { allocationId: answer.body.id },
        ),
      ),
    );
    expect(releases.map((answer) => answer.status)).toEqual(Array(100).fill(200));

    await waitFor(
      async () =>
        (await billingQuery(`SELECT 1 FROM usage_records WHERE device_id IS NOT NULL`)).length === 100,
      { timeoutMs: 30_000, description: '100 usage records in billing' },
    );
    const records = await billingQuery<{
      allocation_id: string;
      user_id: string;
      amount_minor: string;
      billed_seconds: number;
    }>(`SELECT allocation_id, user_id, amount_minor, billed_seconds FROM usage_records`);
    expect(new Set(records.map((record) => record.allocation_id))).toEqual(
      new Set(allocated.map((answer) => answer.body.id)),
    );
    const released = new Map(releases.map((answer) => [answer.body.id, answer.body]));
    for (const record of records)
      expect(record.billed_seconds).toBe(released.get(record.allocation_id)?.billedSeconds);
    for (const user of users) {
      expect(await quotaUsage(user.id)).toBe(0);
      const charged = records
        .filter((record) => record.user_id === user.id)
        .reduce((sum, record) => sum + BigInt(record.amount_minor), 0n);
      const [account] = await billingQuery<{ balance_minor: string }>(
        `SELECT balance_minor FROM accounts WHERE user_id = $1`,
        [user.id],
      );
      expect(BigInt(account.balance_minor)).toBe(INITIAL_BALANCE - charged);
    }
  }, 120_000);

  it('keeps usage reports while billing-service is unreachable and charges each exactly once after', async () => {
    await addDevices(10, 'outage-1');
    const [user] = await createUsers(1);
    const allocated = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        call<AllocationResponse>(
          fleet.url(DEVICE, index % 2),
          'POST',
          'scheduler/devices/allocate',
          user.token,
          {
            durationMinutes: 30,
            requirements: { region: 'outage-1' },
          },
        ),
      ),
    );
    expect(allocated.map((answer) => answer.status)).toEqual(Array(10).fill(201));

    fleet.proxy(BILLING).cut();
    const releases = await Promise.all(
      allocated.map((answer, index) =>
        call<AllocationResponse>(
          fleet.url(DEVICE, index % 2),
          'POST',
          'scheduler/devices/release',
          user.token,
          {
            allocationId: answer.body.id,
          },
        ),
      ),
    );
    expect(releases.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(await quotaUsage(user.id)).toBe(0);
    const pending = await fleet.databases[DEVICE]!.query(
      `SELECT 1 FROM outbox WHERE destination = 'billing-service' AND sent_at IS NULL
       AND aggregate_key = ANY($1::text[])`,
      [allocated.map((answer) => answer.body.id)],
    );
    expect(pending).toHaveLength(10);
    expect(await billingQuery(`SELECT 1 FROM usage_records WHERE user_id = $1`, [user.id])).toEqual([]);
    // The operator sees them waiting, with the reason, in the outbox admin view of either replica.
    const waiting = await call<{ items: Array<{ key: string; lastError: string | null }> }>(
      fleet.url(DEVICE, 1),
      'GET',
      'internal/outbox/messages?state=pending&destination=billing-service&limit=500',
      fleet.tokens.admin(),
    );
    expect(waiting.status).toBe(200);
    const ids = allocated.map((answer) => answer.body.id);
    expect(waiting.body.items.filter((item) => ids.includes(item.key))).toHaveLength(10);
    const refused = await call<{ code: string }>(fleet.url(DEVICE, 0), 'GET', 'internal/outbox', user.token);
    expect(refused.status).toBe(403);

    fleet.proxy(BILLING).restore();
    await waitFor(
      async () =>
        (await billingQuery(`SELECT 1 FROM usage_records WHERE user_id = $1`, [user.id])).length === 10,
      { timeoutMs: 30_000, description: 'the 10 deferred usage reports delivered' },
    );
    await waitFor(
      async () =>
        (
          await fleet.databases[DEVICE]!.query(
            `SELECT 1 FROM outbox WHERE destination = 'billing-service' AND sent_at IS NULL`,
          )
        ).length === 0,
      { timeoutMs: 30_000, description: 'every billing report settled' },
    );
    const summary = await call<{
      destinations: Array<{ destination: string; pending: number; rejected: number }>;
    }>(fleet.url(DEVICE, 0), 'GET', 'internal/outbox', fleet.tokens.admin());
    expect(summary.body.destinations.filter((row) => row.destination === 'billing-service')).toEqual([]);
    const ledger = await billingQuery<{ entries: string; charged: string }>(
      `SELECT count(*) AS entries, -sum(l.amount_minor) AS charged FROM ledger_entries l
       JOIN accounts a ON a.id = l.account_id WHERE a.user_id = $1 AND l.kind = 'usage_charge'`,
      [user.id],
    );
    expect(ledger[0].entries).toBe('10');
    const [account] = await billingQuery<{ balance_minor: string }>(
      `SELECT balance_minor FROM accounts WHERE user_id = $1`,
      [user.id],
    );
    expect(BigInt(account.balance_minor)).toBe(INITIAL_BALANCE - BigInt(ledger[0].charged));
  }, 120_000);
});

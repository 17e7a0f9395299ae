import { SERVICE_CATALOG, type AllocationResponse, type ReservationResponse } from '@cloudphone/contracts';
import { ServiceFleet, uniqueTestId, waitFor } from '@cloudphone/shared/testing';

const USER = SERVICE_CATALOG.user.name;
const BILLING = SERVICE_CATALOG.billing.name;
const DEVICE = SERVICE_CATALOG.device.name;
const INITIAL_BALANCE = 100_000n;

interface Answer<T> {
  status: number;
  body: T;
}

// The allocation scheduler across replicas (issues 5 and 13): two device-service processes sharing
// one database, with real user-service and billing-service processes (billing behind a cuttable proxy).
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
          // Reservations: slots may start at once, and the activation runs every 2 s in small
          // batches, so a replica killed during a run is killed half-way through it.
          RESERVATION_MIN_LEAD_MINUTES: '0',
          ALLOCATION_JOB_BATCH_SIZE: '10',
          CRON_SCHEDULE_OVERRIDES: JSON.stringify({
            'activate-reservations': { expression: '*/2 * * * * *', maxRunMs: 3000 },
          }),
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

  it('lets exactly the disjoint bookings of 200 concurrent ones win, across both replicas', async () => {
    const region = 'race-res';
    await addDevices(4, region);
    const devices = (
      await fleet.databases[DEVICE]!.query<{ id: string }>(
        `SELECT id FROM devices WHERE region = $1 ORDER BY id`,
        [region],
      )
    ).map((row) => row.id);
    const users = await createUsers(20);
    const base = Date.now() + 3_600_000;
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    // Per device, 49 bookings over five overlapping windows of 30 minutes starting 10 minutes apart,
    // and one window (at 200 minutes) that nothing else overlaps: it must always win.
    const requests = Array.from({ length: 200 }, (_, index) => {
      const window = index < 4 ? 20 : index % 5;
      return { deviceId: devices[index % 4], startAt: at(window * 10), endAt: at(window * 10 + 30) };
    });
    const answers = await Promise.all(
      requests.map((body, index) =>
        call<ReservationResponse & { code?: string }>(
          fleet.url(DEVICE, index % 2),
          'POST',
          'scheduler/reservations',
          users[index % 20].token,
          body,
        ),
      ),
    );
    const refusals = answers.filter((answer) => answer.status !== 201).map((answer) => answer.body.code);
    expect(new Set(refusals)).toEqual(new Set(['RESERVATION_CONFLICT']));
    const won = answers.filter((answer) => answer.status === 201).map((answer) => answer.body);
    for (const device of devices) {
      const slots = won
        .filter((reservation) => reservation.deviceId === device)
        .map((reservation) => [Date.parse(reservation.startAt), Date.parse(reservation.endAt)])
        .sort(([left], [right]) => left - right);
      // The lone window, plus one or two of the five overlapping ones, never overlapping each other.
      expect(slots.some(([start]) => start === Date.parse(at(200)))).toBe(true);
      expect(slots.length).toBeGreaterThanOrEqual(2);
      for (let index = 1; index < slots.length; index++)
        expect(slots[index][0]).toBeGreaterThanOrEqual(slots[index - 1][1]);
    }
    const [{ overlaps }] = await fleet.databases[DEVICE]!.query<{ overlaps: string }>(
      `SELECT count(*) AS overlaps FROM device_allocations a JOIN device_allocations b
         ON a.device_id = b.device_id AND a.id < b.id AND a.period && b.period
       WHERE a.ended_at IS NULL AND b.ended_at IS NULL`,
    );
    expect(overlaps).toBe('0');
    // Every booking holds exactly one quota unit, and only the winners do.
    const usage = await Promise.all(users.map((user) => quotaUsage(user.id)));
    expect(usage.reduce((sum, devicesUsed) => sum + devicesUsed, 0)).toBe(won.length);
  });

  it('decides an allocation against a reservation, and an extension against one, by the constraint alone', async () => {
    const deviceOf = async (region: string) => {
      await addDevices(1, region);
      const [row] = await fleet.databases[DEVICE]!.query<{ id: string }>(
        `SELECT id FROM devices WHERE region = $1`,
        [region],
      );
      return row.id;
    };
    const users = await createUsers(10);
    const codes = (answers: Array<Answer<{ code?: string }>>) =>
      new Set(answers.map((answer) => answer.body.code));

    // 50 allocations of the only device for 60 minutes against 50 bookings of it from minute 30.
    const allocRegion = 'race-alloc';
    const allocDevice = await deviceOf(allocRegion);
    const slot = { startAt: new Date(Date.now() + 30 * 60_000), endAt: new Date(Date.now() + 90 * 60_000) };
    const mixed = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        index % 2 === 0
          ? call<{ code?: string }>(
              fleet.url(DEVICE, index % 4 < 2 ? 0 : 1),
              'POST',
              'scheduler/devices/allocate',
              users[index % 10].token,
              {
                durationMinutes: 60,
                requirements: { region: allocRegion },
              },
            )
          : call<{ code?: string }>(
              fleet.url(DEVICE, index % 4 < 2 ? 0 : 1),
              'POST',
              'scheduler/reservations',
              users[index % 10].token,
              {
                deviceId: allocDevice,
                startAt: slot.startAt.toISOString(),
                endAt: slot.endAt.toISOString(),
              },
            ),
      ),
    );
    const allocated = mixed.filter((answer, index) => index % 2 === 0 && answer.status === 201);
    const booked = mixed.filter((answer, index) => index % 2 === 1 && answer.status === 201);
    expect(allocated.length + booked.length).toBe(1);
    const lost = mixed.filter((answer) => answer.status !== 201);
    expect(codes(lost)).toEqual(new Set(['NO_DEVICE_AVAILABLE', 'RESERVATION_CONFLICT']));

    // 50 extensions of a 30-minute allocation by an hour against 50 bookings from 10 minutes after its end.
    const extendRegion = 'race-extend';
    const extendDevice = await deviceOf(extendRegion);
    const holder = users[0];
    const held = await call<AllocationResponse>(
      fleet.url(DEVICE),
      'POST',
      'scheduler/devices/allocate',
      holder.token,
      {
        durationMinutes: 30,
        requirements: { region: extendRegion },
      },
    );
    expect(held.status).toBe(201);
    const end = Date.parse(held.body.expiresAt);
    const raced = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        index % 2 === 0
          ? fetch(
              `${fleet.url(DEVICE, index % 4 < 2 ? 0 : 1)}/scheduler/allocations/${held.body.id}/extend`,
              {
                method: 'PUT',
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${holder.token}`,
                  'idempotency-key': `race-extend-${index}`,
                },
                body: JSON.stringify({ additionalMinutes: 60 }),
              },
            ).then(async (response) => ({
              status: response.status,
              body: (await response.json()) as { code?: string },
            }))
          : call<{ code?: string }>(
              fleet.url(DEVICE, index % 4 < 2 ? 0 : 1),
              'POST',
              'scheduler/reservations',
              users[index % 10].token,
              {
                deviceId: extendDevice,
                startAt: new Date(end + 10 * 60_000).toISOString(),
                endAt: new Date(end + 40 * 60_000).toISOString(),
              },
            ),
      ),
    );
    const extended = raced.filter((answer, index) => index % 2 === 0 && answer.status === 200);
    const reserved = raced.filter((answer, index) => index % 2 === 1 && answer.status === 201);
    // One extension (the pro cooldown allows one a minute) or one booking: never both.
    expect(extended.length + reserved.length).toBe(1);
    for (const answer of raced.filter((candidate, index) => index % 2 === 0 && candidate.status !== 200)) {
      expect(['EXTENSION_CONFLICT', 'EXTENSION_COOLDOWN', 'REQUEST_IN_PROGRESS']).toContain(answer.body.code);
    }
    const [{ overlaps }] = await fleet.databases[DEVICE]!.query<{ overlaps: string }>(
      `SELECT count(*) AS overlaps FROM device_allocations a JOIN device_allocations b
         ON a.device_id = b.device_id AND a.id < b.id AND a.period && b.period
       WHERE a.ended_at IS NULL AND b.ended_at IS NULL AND a.device_id = ANY($1::uuid[])`,
      [[allocDevice, extendDevice]],
    );
    expect(overlaps).toBe('0');
  });

  it('gives each freed device to one queue entry and each entry one device, across both replicas', async () => {
    const region = 'queue-race';
    await addDevices(20, region);
    // Two holders: a pro quota holds ten devices.
    const holders = await createUsers(2);
    const held = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        call<AllocationResponse>(
          fleet.url(DEVICE, index % 2),
          'POST',
          'scheduler/devices/allocate',
          holders[index % 2].token,
          {
            durationMinutes: 60,
            requirements: { region },
          },
        ),
      ),
    );
    expect(held.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    const waiters = await createUsers(30);
    const joined = await Promise.all(
      waiters.map((user, index) =>
        call<{ id: string; status: string }>(
          fleet.url(DEVICE, index % 2),
          'POST',
          'scheduler/queue/join',
          user.token,
          {
            durationMinutes: 10,
            requirements: { region },
          },
        ),
      ),
    );
    expect(joined.map((answer) => answer.status)).toEqual(Array(30).fill(201));
    const entryIds = joined.map((answer) => answer.body.id);

    // Both replicas free devices at once, and both serve the queue as they do.
    await Promise.all(
      held.map((answer, index) =>
        call(fleet.url(DEVICE, index % 2), 'POST', 'scheduler/devices/release', holders[index % 2].token, {
          allocationId: answer.body.id,
        }),
      ),
    );
    const fulfilled = await waitFor(
      async () => {
        const rows = await fleet.databases[DEVICE]!.query<{ id: string; allocation_id: string }>(
          `SELECT id, allocation_id FROM device_queue_entries WHERE id = ANY($1::uuid[]) AND status = 'fulfilled'`,
          [entryIds],
        );
        return rows.length === 20 && rows;
      },
      { timeoutMs: 30_000, description: '20 entries fulfilled' },
    );
    const allocations = await fleet.databases[DEVICE]!.query<{
      key: string;
      device_id: string;
      status: string;
    }>(
      `SELECT idempotency_key AS key, device_id, status FROM device_allocations WHERE idempotency_key = ANY($1::text[])`,
      [entryIds.map((id) => `queue:${id}`)],
    );
    // One allocation per fulfilled entry, none for the others, and never one device twice.
    expect(allocations).toHaveLength(20);
    expect(new Set(allocations.map((row) => row.key)).size).toBe(20);
    expect(new Set(allocations.map((row) => row.device_id)).size).toBe(20);
    expect(allocations.every((row) => row.status === 'active')).toBe(true);
    expect(new Set(fulfilled.map((row) => row.allocation_id)).size).toBe(20);
    const [{ waiting }] = await fleet.databases[DEVICE]!.query<{ waiting: string }>(
      `SELECT count(*) AS waiting FROM device_queue_entries WHERE id = ANY($1::uuid[]) AND status IN ('waiting', 'serving')`,
      [entryIds],
    );
    expect(waiting).toBe('10');
  });

  // Last: it kills a replica.
  it('activates every due reservation exactly once while a replica is killed (kill -9) mid-run', async () => {
    const region = 'activate-kill';
    await addDevices(100, region);
    const users = await createUsers(10);
    const startAt = new Date(Date.now() + 15_000);
    const booked = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        call<ReservationResponse & { code?: string }>(
          fleet.url(DEVICE, index % 2),
          'POST',
          'scheduler/reservations',
          users[index % 10].token,
          {
            requirements: { region },
            startAt: startAt.toISOString(),
            endAt: new Date(startAt.getTime() + 30 * 60_000).toISOString(),
          },
        ),
      ),
    );
    // Status and code, so a refusal names itself (RESERVATION_CONFLICT, REQUEST_IN_PROGRESS, ...).
    expect(booked.map((answer) => `${answer.status} ${answer.body?.code ?? ''}`)).toEqual(
      Array(100).fill('201 '),
    );
    const ids = booked.map((answer) => answer.body.id);

    // Both replicas activate every 2 s, 10 reservations per transaction: kill one as the first run
    // after the start is under way.
    const victim = fleet.processes[DEVICE]![0];
    await waitFor(
      async () =>
        (
          await fleet.databases[DEVICE]!.query(
            `SELECT 1 FROM device_reservations WHERE id = ANY($1::uuid[]) AND status = 'active' LIMIT 1`,
            [ids],
          )
        ).length > 0,
      { timeoutMs: 20_000, intervalMs: 20, description: 'the first activation' },
    );
    await victim.stop('SIGKILL');

    await waitFor(
      async () =>
        (
          await fleet.databases[DEVICE]!.query(
            `SELECT 1 FROM device_reservations WHERE id = ANY($1::uuid[]) AND status = 'active'`,
            [ids],
          )
        ).length === 100,
      { timeoutMs: 30_000, description: 'all 100 reservations activated by the surviving replica' },
    );
    const rows = await fleet.databases[DEVICE]!.query<{ status: string; held: boolean; announced: string }>(
      `SELECT a.status, d.held_by = a.id AS held,
              (SELECT count(*) FROM outbox o WHERE o.event_type = 'device.allocated'
                 AND o.data->>'allocationId' = a.id::text) AS announced
       FROM device_allocations a JOIN devices d ON d.id = a.device_id
       WHERE a.id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows).toHaveLength(100);
    expect(rows.every((row) => row.status === 'active' && row.held && row.announced === '1')).toBe(true);
    const activeOnDevices = await fleet.databases[DEVICE]!.query<{ holders: string }>(
      `SELECT count(*) AS holders FROM device_allocations a JOIN devices d ON d.id = a.device_id
       WHERE d.region = $1 AND a.status IN ('pending', 'active')`,
      [region],
    );
    expect(activeOnDevices[0].holders).toBe('100');
  });
});

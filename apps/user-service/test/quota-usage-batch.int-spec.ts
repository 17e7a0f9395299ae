import { randomUUID } from 'node:crypto';
import type { QuotaUsageBatchResponse } from '@cloudphone/contracts';
import { UserServiceHarness } from './user-service.harness';

// `POST /quotas/usage/batch` against the real built user-service and Postgres: device-service's
// concurrent allocations report their usage in one call. Each item is applied exactly as
// `POST /quotas/usage` alone (once per allocation, never past a limit, refusals per item with the
// status, code and details the single call answers), and bad input is a 400 that writes nothing.

const SPEC = { cpuCores: 2, memoryMb: 2048, storageGb: 16 };

type ErrorBody = { code: string };

describe('user-service quota usage batches', () => {
  let service: UserServiceHarness;

  const usageBatch = (items: unknown, token = service.tokens.service()) =>
    service.request<QuotaUsageBatchResponse & ErrorBody>('POST', 'quotas/usage/batch', {
      token,
      body: { items },
    });
  const singleUsage = (userId: string, allocationId: string) =>
    service.request<{ code: string; details: unknown }>('POST', 'quotas/usage', {
      token: service.tokens.service(),
      body: { userId, allocationId, ...SPEC },
    });
  const usedDevices = async (userId: string) =>
    Number(
      (
        await service.database.query<{ used_devices: string }>(
          'SELECT used_devices FROM user_quotas WHERE user_id = $1',
          [userId],
        )
      )[0].used_devices,
    );
  const userWithDeviceLimit = async (devices: number) => {
    const userId = await service.createUser();
    const limits = { devices, cpuCores: 1000, memoryMb: 1_000_000, storageGb: 100_000 };
    expect(
      (
        await service.request('PUT', `quotas/${userId}/limits`, {
          token: service.tokens.admin(),
          body: limits,
        })
      ).status,
    ).toBe(200);
    return userId;
  };

  beforeAll(async () => {
    service = await UserServiceHarness.start();
  });

  afterAll(async () => {
    await service?.close();
  });

  afterEach(() => {
    expect(service.errorLogs()).toEqual([]);
  });

  it('applies each report once, never past a limit, and answers per item as the single call would', async () => {
    const roomy = await userWithDeviceLimit(10);
    const tight = await userWithDeviceLimit(1);
    const other = await userWithDeviceLimit(10);
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const unknownUser = randomUUID();
    expect((await singleUsage(roomy, d)).status).toBe(200);

    const answer = await usageBatch([
      { userId: roomy, allocationId: a, ...SPEC },
      { userId: tight, allocationId: b, ...SPEC },
      { userId: tight, allocationId: c, ...SPEC },
      { userId: roomy, allocationId: a, ...SPEC },
      { userId: unknownUser, allocationId: randomUUID(), ...SPEC },
      { userId: other, allocationId: d, ...SPEC },
    ]);

    expect(answer.status).toBe(200);
    const results = answer.body.results;
    expect(results.map((item) => item.allocationId)).toEqual([a, b, c, a, expect.any(String), d]);
    // The tight user has room for one of its two: which one is the race's, never both.
    const tightStatuses = [results[1].status, results[2].status].sort();
    expect(tightStatuses).toEqual(['applied', 'failed']);
    const refused = results[1].status === 'failed' ? results[1] : results[2];
    const alone = await singleUsage(tight, refused.allocationId);
    expect(refused).toMatchObject({
      errorStatus: 403,
      errorCode: 'QUOTA_EXCEEDED',
      errorDetails: alone.body.details,
    });
    expect(alone.status).toBe(403);
    // The same allocation twice in a batch is counted once.
    expect([results[0].status, results[3].status].sort()).toEqual(['applied', 'replayed']);
    expect(results[4]).toMatchObject({ status: 'failed', errorStatus: 404, errorCode: 'USER_NOT_FOUND' });
    expect(results[5]).toMatchObject({
      status: 'failed',
      errorStatus: 409,
      errorCode: 'ALLOCATION_MISMATCH',
    });
    expect(results[0].usage ?? results[3].usage).toMatchObject({ devices: 2 });
    expect(await usedDevices(roomy)).toBe(2);
    expect(await usedDevices(tight)).toBe(1);
    expect(await usedDevices(other)).toBe(0);

    // Sent again (a lost answer): every applied item is replayed, nothing changes.
    const again = await usageBatch([{ userId: roomy, allocationId: a, ...SPEC }]);
    expect(again.body.results[0]).toMatchObject({ status: 'replayed', usage: { devices: 2 } });
    expect(await usedDevices(roomy)).toBe(2);
  });

  it('never passes a limit when concurrent batches report for the same users', async () => {
    const users = await Promise.all([3, 3, 3].map((limit) => userWithDeviceLimit(limit)));
    const batches = Array.from({ length: 6 }, () =>
      users.flatMap((userId) => [1, 2].map(() => ({ userId, allocationId: randomUUID(), ...SPEC }))),
    );

    const answers = await Promise.all(batches.map((items) => usageBatch(items)));

    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    const results = answers.flatMap((answer) => answer.body.results);
    expect(results.filter((item) => item.status === 'applied')).toHaveLength(9);
    expect(new Set(results.filter((item) => item.status === 'failed').map((item) => item.errorCode))).toEqual(
      new Set(['QUOTA_EXCEEDED']),
    );
    for (const userId of users) expect(await usedDevices(userId)).toBe(3);
  });

  it('applies the first report of each user together, and concurrent batches in opposite user orders never deadlock', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => userWithDeviceLimit(100)));
    const full = await userWithDeviceLimit(1);
    expect((await singleUsage(full, randomUUID())).status).toBe(200);
    const rounds = 8;
    for (let round = 0; round < rounds; round++) {
      const batch = (order: string[]) =>
        usageBatch(order.map((userId) => ({ userId, allocationId: randomUUID(), ...SPEC })));
      // The full user's report rides with the others and is refused alone, as the single call would.
      const [forward, backward] = await Promise.all([
        batch([...users, full]),
        batch([full, ...users].reverse()),
      ]);
      for (const answer of [forward, backward]) {
        expect(answer.status).toBe(200);
        const statuses = answer.body.results.map((result) => result.status);
        expect(statuses.filter((status) => status === 'applied')).toHaveLength(4);
        expect(answer.body.results.find((result) => result.status === 'failed')).toMatchObject({
          errorStatus: 403,
          errorCode: 'QUOTA_EXCEEDED',
        });
      }
    }
    for (const userId of users) expect(await usedDevices(userId)).toBe(2 * rounds);
    expect(await usedDevices(full)).toBe(1);
    const records = await service.database.query<{ count: string }>(
      `SELECT count(*) FROM quota_usage_records WHERE user_id = ANY($1::uuid[]) AND status = 'applied'`,
      [users],
    );
    expect(Number(records[0].count)).toBe(4 * 2 * rounds);
  });

  it('answers the reports the shared statement could not apply as they would be answered alone', async () => {
    const roomy = await userWithDeviceLimit(10);
    const full = await userWithDeviceLimit(1);
    expect((await singleUsage(full, randomUUID())).status).toBe(200);
    const fresh = await service.createUser(); // no quota row yet: its first report creates it
    const unknownUser = randomUUID();
    const items = [roomy, full, fresh, unknownUser].map((userId) => ({
      userId,
      allocationId: randomUUID(),
      ...SPEC,
    }));

    const answer = await usageBatch(items);

    expect(answer.status).toBe(200);
    expect(answer.body.results.map((result) => [result.status, result.errorCode])).toEqual([
      ['applied', undefined],
      ['failed', 'QUOTA_EXCEEDED'],
      ['applied', undefined],
      ['failed', 'USER_NOT_FOUND'],
    ]);
    expect([await usedDevices(roomy), await usedDevices(full), await usedDevices(fresh)]).toEqual([1, 1, 1]);
  });

  it('answers 400 VALIDATION_FAILED on bad batches, 403 to callers other than services, and writes nothing', async () => {
    const userId = await userWithDeviceLimit(5);
    const good = { userId, allocationId: randomUUID(), ...SPEC };
    const records = await service.count('quota_usage_records');
    const bad: unknown[] = [
      [],
      Array.from({ length: 101 }, () => good),
      [good, { ...good, allocationId: "1' OR '1'='1" }],
      [{ ...good, userId: 'constructor' }],
      [{ ...good, cpuCores: 2 ** 40 }],
      [{ ...good, allocationId: `${good.allocationId}\u0000` }],
      [{ ...good, __proto__: { admin: true }, extra: 1 }],
      'not-an-array',
      { 0: good, length: 1 },
      [null],
    ];
    for (const items of bad) {
      const answer = await usageBatch(items);
      expect({ status: answer.status, code: answer.body.code }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    for (const token of [service.tokens.user({ userId }), service.tokens.admin()]) {
      expect((await usageBatch([good], token)).status).toBe(403);
    }
    expect(await service.count('quota_usage_records')).toBe(records);
    expect(await usedDevices(userId)).toBe(0);
  });
});

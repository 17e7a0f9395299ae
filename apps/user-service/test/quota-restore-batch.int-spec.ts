import { randomUUID } from 'node:crypto';
import type { QuotaChangeResponse, QuotaRestoreBatchResponse } from '@cloudphone/contracts';
import { UserServiceHarness } from './user-service.harness';

// `POST /quotas/restore/batch` against the real built user-service and Postgres: device-service
// gives a burst of releases back in one call (one statement for the applied records). Each item behaves exactly as a
// single restore (once per allocation, refusals per item), batches in opposite user orders never
// deadlock, and bad input is a 400 that writes nothing.

const ROOMY = { devices: 1000, cpuCores: 100_000, memoryMb: 1_000_000_000, storageGb: 100_000_000 };
const SPEC = { cpuCores: 2, memoryMb: 2048, storageGb: 16 };

type ErrorBody = { code: string };

describe('user-service quota restore batches', () => {
  let service: UserServiceHarness;

  const usage = (userId: string, allocationId: string) =>
    service.request<QuotaChangeResponse>('POST', 'quotas/usage', {
      token: service.tokens.service(),
      body: { userId, allocationId, ...SPEC },
    });
  const restoreBatch = (items: unknown, token = service.tokens.service()) =>
    service.request<QuotaRestoreBatchResponse & ErrorBody>('POST', 'quotas/restore/batch', {
      token,
      body: { items },
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
  const userWithAllocations = async (count: number) => {
    const userId = await service.createUser();
    await service.request('PUT', `quotas/${userId}/limits`, { token: service.tokens.admin(), body: ROOMY });
    const allocations = Array.from({ length: count }, () => randomUUID());
    for (const allocationId of allocations) expect((await usage(userId, allocationId)).status).toBe(200);
    return { userId, allocations };
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

  it('applies each restore once and answers per item, in request order', async () => {
    const first = await userWithAllocations(2);
    const second = await userWithAllocations(1);
    const unknownUser = randomUUID();

    const answer = await restoreBatch([
      { userId: second.userId, allocationId: second.allocations[0] },
      { userId: first.userId, allocationId: first.allocations[0] },
      { userId: first.userId, allocationId: first.allocations[0] },
      { userId: unknownUser, allocationId: randomUUID() },
      { userId: first.userId, allocationId: second.allocations[0] },
    ]);

    expect(answer.status).toBe(200);
    expect(
      answer.body.results.map(({ allocationId, status, errorCode }) => ({ allocationId, status, errorCode })),
    ).toEqual([
      { allocationId: second.allocations[0], status: 'applied', errorCode: undefined },
      { allocationId: first.allocations[0], status: 'applied', errorCode: undefined },
      { allocationId: first.allocations[0], status: 'replayed', errorCode: undefined },
      { allocationId: expect.any(String), status: 'failed', errorCode: 'USER_NOT_FOUND' },
      { allocationId: second.allocations[0], status: 'failed', errorCode: 'ALLOCATION_MISMATCH' },
    ]);
    expect(answer.body.results[1].usage).toMatchObject({ devices: 1, ...SPEC });
    expect(await usedDevices(first.userId)).toBe(1);
    expect(await usedDevices(second.userId)).toBe(0);
    // Sent again (a lost answer): nothing changes.
    const again = await restoreBatch([{ userId: first.userId, allocationId: first.allocations[0] }]);
    expect(again.body.results[0]).toMatchObject({ status: 'replayed', usage: { devices: 1 } });
    expect(await usedDevices(first.userId)).toBe(1);
  });

  it('runs concurrent batches over the same users in opposite orders without deadlock or double restore', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => userWithAllocations(4)));
    const items = users.flatMap(({ userId, allocations }) =>
      allocations.map((allocationId) => ({ userId, allocationId })),
    );

    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) => restoreBatch(index % 2 === 0 ? items : [...items].reverse())),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    const applied = answers
      .flatMap((answer) => answer.body.results)
      .filter((item) => item.status === 'applied');
    expect(applied).toHaveLength(items.length);
    for (const { userId } of users) expect(await usedDevices(userId)).toBe(0);
  });

  it('keeps usage equal to the applied records when usage batches, replays and restore batches of the same allocations race', async () => {
    const users = await Promise.all(Array.from({ length: 3 }, () => userWithAllocations(0)));
    for (let round = 0; round < 5; round++) {
      const items = users.flatMap(({ userId }) => [1, 2].map(() => ({ userId, allocationId: randomUUID() })));
      const reports = items.map((item) => ({ ...item, ...SPEC }));
      const answers = await Promise.all([
        service.request('POST', 'quotas/usage/batch', {
          token: service.tokens.service(),
          body: { items: reports },
        }),
        restoreBatch([...items].reverse()),
        service.request('POST', 'quotas/usage/batch', {
          token: service.tokens.service(),
          body: { items: [...reports].reverse() },
        }),
        restoreBatch(items),
        usage(items[0].userId, items[0].allocationId),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    }
    for (const { userId } of users) {
      const [{ count }] = await service.database.query<{ count: string }>(
        `SELECT count(*) FROM quota_usage_records WHERE user_id = $1 AND status = 'applied'`,
        [userId],
      );
      expect(await usedDevices(userId)).toBe(Number(count));
    }
  });

  it('answers 400 VALIDATION_FAILED on bad batches, 403 to callers other than services, and writes nothing', async () => {
    const { userId, allocations } = await userWithAllocations(1);
    const good = { userId, allocationId: allocations[0] };
    const records = await service.count('quota_usage_records');
    const bad: unknown[] = [
      [],
      Array.from({ length: 101 }, () => good),
      [good, { ...good, allocationId: "1' OR '1'='1" }],
      [{ ...good, userId: 'constructor' }],
      [{ ...good, cpuCores: 1 }],
      [{ ...good, allocationId: `${good.allocationId}\u0000` }],
      'not-an-array',
      { 0: good, length: 1 },
      [null],
    ];
    for (const items of bad) {
      const answer = await restoreBatch(items);
      expect({ status: answer.status, code: answer.body.code }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    for (const token of [service.tokens.user({ userId }), service.tokens.admin()]) {
      expect((await restoreBatch([good], token)).status).toBe(403);
    }
    expect(await service.count('quota_usage_records')).toBe(records);
    expect(await usedDevices(userId)).toBe(1);
  });
});

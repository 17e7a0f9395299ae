import { randomUUID } from 'node:crypto';
import type { QuotaChangeResponse, QuotaCheckResponse, UserQuotaResponse } from '@cloudphone/contracts';
import { type HttpAnswer, UserServiceHarness } from './user-service.harness';

// Quotas against the real built user-service and Postgres: concurrent reports never pass a limit
// and count each allocation once, restores give back exactly once, and bad input writes nothing.

const ROOMY = { devices: 1000, cpuCores: 100_000, memoryMb: 1_000_000_000, storageGb: 100_000_000 };
const SPEC = { cpuCores: 2, memoryMb: 2048, storageGb: 16 };

type ErrorBody = { code: string; details?: Record<string, unknown> };

describe('user-service quotas', () => {
  let service: UserServiceHarness;

  const usage = (userId: string, allocationId: string, spec = SPEC) =>
    service.request<QuotaChangeResponse & ErrorBody>('POST', 'quotas/usage', {
      token: service.tokens.service(),
      body: { userId, allocationId, ...spec },
    });
  const restore = (userId: string, allocationId: string) =>
    service.request<QuotaChangeResponse & ErrorBody>('POST', 'quotas/restore', {
      token: service.tokens.service(),
      body: { userId, allocationId },
    });
  const setLimits = (userId: string, limits: Record<string, unknown>, token = service.tokens.admin()) =>
    service.request<UserQuotaResponse & ErrorBody>('PUT', `quotas/${userId}/limits`, { token, body: limits });
  const storedQuota = async (userId: string) =>
    (
      await service.database.query<Record<string, string>>('SELECT * FROM user_quotas WHERE user_id = $1', [
        userId,
      ])
    )[0];

  beforeAll(async () => {
    service = await UserServiceHarness.start();
  });

  afterAll(async () => {
    await service?.close();
  });

  afterEach(() => {
    // A CHECK violation or any other surprise would surface as a 500 and an error log line.
    expect(service.errorLogs()).toEqual([]);
  });

  describe('concurrency', () => {
    it('applies exactly 10 of 60 concurrent reports against a 10-device limit', async () => {
      const userId = await service.createUser();
      expect((await setLimits(userId, { ...ROOMY, devices: 10 })).status).toBe(200);

      const answers = await Promise.all(Array.from({ length: 60 }, () => usage(userId, randomUUID())));

      const applied = answers.filter((answer) => answer.status === 200 && answer.body.applied);
      const refused = answers.filter((answer) => answer.status === 403);
      expect(applied).toHaveLength(10);
      expect(refused).toHaveLength(50);
      for (const answer of refused) {
        expect(answer.body).toMatchObject({
          code: 'QUOTA_EXCEEDED',
          details: { exceeded: 'devices', limit: 10 },
        });
      }
      expect(await storedQuota(userId)).toMatchObject({ used_devices: '10', used_cpu_cores: '20' });
      const records = await service.database.query<{ count: string }>(
        `SELECT count(*) FROM quota_usage_records WHERE user_id = $1 AND status = 'applied'`,
        [userId],
      );
      expect(records[0].count).toBe('10');
    });

    it('names the CPU limit when 30 concurrent reports race for 10 cores', async () => {
      const userId = await service.createUser();
      await setLimits(userId, { ...ROOMY, cpuCores: 10 });

      const answers = await Promise.all(
        Array.from({ length: 30 }, () => usage(userId, randomUUID(), { ...SPEC, cpuCores: 3 })),
      );

      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(3);
      expect(
        answers.filter((answer) => answer.status === 403).map((answer) => answer.body.details?.exceeded),
      ).toEqual(Array(27).fill('cpuCores'));
      expect(await storedQuota(userId)).toMatchObject({ used_devices: '3', used_cpu_cores: '9' });
    });

    it('counts 20 concurrent reports of the same allocation once', async () => {
      const userId = await service.createUser();
      await setLimits(userId, ROOMY);
      const allocationId = randomUUID();

      const answers = await Promise.all(Array.from({ length: 20 }, () => usage(userId, allocationId)));

      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
      expect(answers.filter((answer) => answer.body.applied)).toHaveLength(1);
      for (const answer of answers) expect(answer.body.usage).toEqual({ devices: 1, ...SPEC });
      expect(await storedQuota(userId)).toMatchObject({ used_devices: '1', used_memory_mb: '2048' });
    });

    it('restores once under 20 concurrent restores and never goes negative', async () => {
      const userId = await service.createUser();
      await setLimits(userId, ROOMY);
      const kept = randomUUID();
      const released = randomUUID();
      await usage(userId, kept);
      await usage(userId, released);

      const answers = await Promise.all(Array.from({ length: 20 }, () => restore(userId, released)));

      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
      expect(answers.filter((answer) => answer.body.applied)).toHaveLength(1);
      expect(await storedQuota(userId)).toMatchObject({ used_devices: '1', used_cpu_cores: '2' });
      const again = await restore(userId, released);
      expect(again.body).toMatchObject({ applied: false, usage: { devices: 1, ...SPEC } });
    });

    it('keeps usage equal to the applied records when reports and restores of 12 allocations race', async () => {
      const userId = await service.createUser();
      await setLimits(userId, { ...ROOMY, devices: 8 });
      const allocations = Array.from({ length: 12 }, () => randomUUID());
      const calls = allocations.flatMap((allocationId, index) => [
        usage(userId, allocationId),
        usage(userId, allocationId),
        ...(index % 2 === 0 ? [restore(userId, allocationId), restore(userId, allocationId)] : []),
      ]);

      const answers = await Promise.all(calls);

      expect(answers.every((answer) => answer.status === 200 || answer.body.code === 'QUOTA_EXCEEDED')).toBe(
        true,
      );
      const [totals] = await service.database.query<{ devices: string; cpu: string }>(
        `SELECT count(*) AS devices, coalesce(sum(cpu_cores), 0) AS cpu
         FROM quota_usage_records WHERE user_id = $1 AND status = 'applied'`,
        [userId],
      );
      const quota = await storedQuota(userId);
      expect(quota.used_devices).toBe(totals.devices);
      expect(quota.used_cpu_cores).toBe(totals.cpu);
      expect(Number(quota.used_devices)).toBeLessThanOrEqual(8);
    });
  });

  describe('check, report and restore', () => {
    it('answers a check with the limits, usage and the first exceeded limit, without writing', async () => {
      const userId = await service.createUser({ tier: 'standard' });
      const check = (body: Record<string, number>) =>
        service.request<QuotaCheckResponse>('POST', 'quotas/check', {
          token: service.tokens.service(),
          body: { userId, devices: 1, cpuCores: 1, memoryMb: 1, storageGb: 1, ...body },
        });
      const limits = { devices: 3, cpuCores: 12, memoryMb: 24576, storageGb: 192 };
      const zero = { devices: 0, cpuCores: 0, memoryMb: 0, storageGb: 0 };

      expect(await check({})).toEqual({ status: 200, body: { allowed: true, limits, usage: zero } });
      expect((await check({ memoryMb: 24577 })).body).toEqual({
        allowed: false,
        exceeded: 'memoryMb',
        limits,
        usage: zero,
      });
      expect((await check({ devices: 4, storageGb: 500 })).body).toMatchObject({ exceeded: 'devices' });
      // Read-only: the quota row is still created lazily, by the first report.
      expect(await storedQuota(userId)).toBeUndefined();
    });

    it('refuses a report over the limit with 403 QUOTA_EXCEEDED naming it, and writes no record', async () => {
      const userId = await service.createUser();
      const first = randomUUID();
      const second = randomUUID();
      expect((await usage(userId, first)).body).toMatchObject({ applied: true, usage: { devices: 1 } });

      const refused = await usage(userId, second);

      expect(refused).toMatchObject({
        status: 403,
        body: {
          code: 'QUOTA_EXCEEDED',
          details: { exceeded: 'devices', limit: 1, used: 1, requested: 1, usage: { devices: 1, ...SPEC } },
        },
      });
      expect(
        await service.database.query('SELECT 1 FROM quota_usage_records WHERE allocation_id = $1', [second]),
      ).toEqual([]);
      // Once the first is restored, the refused allocation fits.
      await restore(userId, first);
      expect((await usage(userId, second)).body).toMatchObject({ applied: true });
    });

    it('does not count a report that arrives after its restore', async () => {
      const userId = await service.createUser();
      const allocationId = randomUUID();

      expect((await restore(userId, allocationId)).body).toMatchObject({ applied: false });
      const late = await usage(userId, allocationId);

      expect(late).toMatchObject({ status: 200, body: { applied: false, usage: { devices: 0 } } });
    });

    it('refuses an allocation id reused for another user or other resources with 409', async () => {
      const owner = await service.createUser();
      const other = await service.createUser();
      const allocationId = randomUUID();
      await usage(owner, allocationId);

      expect((await usage(other, allocationId)).body).toMatchObject({ code: 'ALLOCATION_MISMATCH' });
      expect((await usage(owner, allocationId, { ...SPEC, cpuCores: 1 })).body).toMatchObject({
        code: 'ALLOCATION_MISMATCH',
      });
      expect((await restore(other, allocationId)).body).toMatchObject({ code: 'ALLOCATION_MISMATCH' });
      expect((await storedQuota(owner)).used_devices).toBe('1');
    });

    it('answers 404 USER_NOT_FOUND for unknown users and 403 USER_SUSPENDED for suspended ones', async () => {
      const unknown = randomUUID();
      const service_ = service.tokens.service();
      const answers = [
        await service.request('POST', 'quotas/check', {
          token: service_,
          body: { userId: unknown, devices: 1, ...SPEC },
        }),
        await usage(unknown, randomUUID()),
        await restore(unknown, randomUUID()),
        await service.request('GET', `quotas/${unknown}`, { token: service_ }),
        await setLimits(unknown, ROOMY),
      ];
      for (const answer of answers)
        expect(answer).toMatchObject({ status: 404, body: { code: 'USER_NOT_FOUND' } });

      const suspended = await service.createUser();
      const held = randomUUID();
      await usage(suspended, held);
      await service.request('PATCH', `users/${suspended}`, {
        token: service.tokens.admin(),
        body: { status: 'suspended' },
      });
      expect((await usage(suspended, randomUUID())).body).toMatchObject({ code: 'USER_SUSPENDED' });
      // Giving back is always allowed, so releases of a suspended user's devices still free quota.
      expect((await restore(suspended, held)).body).toMatchObject({ applied: true, usage: { devices: 0 } });
    });
  });

  describe('limits and access', () => {
    it('sets limits (admin) but never below current usage', async () => {
      const userId = await service.createUser();
      await setLimits(userId, { ...ROOMY, devices: 5 });
      await usage(userId, randomUUID());
      await usage(userId, randomUUID());

      const below = await setLimits(userId, { ...ROOMY, devices: 1, cpuCores: 3 });
      expect(below).toMatchObject({
        status: 409,
        body: {
          code: 'LIMIT_BELOW_USAGE',
          details: {
            resources: [
              { resource: 'devices', limit: 1, usage: 2 },
              { resource: 'cpuCores', limit: 3, usage: 4 },
            ],
          },
        },
      });
      const exact = await setLimits(userId, { devices: 2, cpuCores: 4, memoryMb: 4096, storageGb: 32 });
      expect(exact.body).toEqual({
        userId,
        limits: { devices: 2, cpuCores: 4, memoryMb: 4096, storageGb: 32 },
        usage: { devices: 2, cpuCores: 4, memoryMb: 4096, storageGb: 32 },
      });
    });

    it('lets a user read only their own quota and keeps users and admins off the service routes', async () => {
      const userId = await service.createUser();
      const otherId = await service.createUser();
      const userToken = service.tokens.user({ userId });
      const adminToken = service.tokens.admin();

      expect((await service.request('GET', `quotas/${userId}`, { token: userToken })).status).toBe(200);
      expect(await service.request('GET', `quotas/${otherId}`, { token: userToken })).toMatchObject({
        status: 403,
        body: { code: 'FORBIDDEN' },
      });
      expect((await service.request('GET', `quotas/${otherId}`, { token: adminToken })).status).toBe(200);
      const check = { userId: otherId, devices: 1, ...SPEC };
      expect((await service.request('POST', 'quotas/check', { token: userToken, body: check })).status).toBe(
        403,
      );

      for (const token of [userToken, adminToken]) {
        const report = await service.request('POST', 'quotas/usage', {
          token,
          body: { userId, allocationId: randomUUID(), ...SPEC },
        });
        expect(report).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
        const back = await service.request('POST', 'quotas/restore', {
          token,
          body: { userId, allocationId: randomUUID() },
        });
        expect(back.status).toBe(403);
      }
      expect((await setLimits(userId, ROOMY, userToken)).status).toBe(403);
      expect((await setLimits(userId, ROOMY, service.tokens.service())).status).toBe(403);
      expect((await service.request('GET', `quotas/${userId}`)).status).toBe(401);
      // None of the refused calls created a quota row.
      expect(await storedQuota(userId)).toBeUndefined();
    });
  });

  describe('bad input', () => {
    const SQL = "1' OR '1'='1'; DROP TABLE user_quotas; --";

    it('answers 400 VALIDATION_FAILED on every quota endpoint and writes nothing', async () => {
      const userId = await service.createUser();
      const allocationId = randomUUID();
      const good = { userId, allocationId, ...SPEC };
      const goodCheck = { userId, devices: 1, ...SPEC };
      const before = {
        quotas: await service.count('user_quotas'),
        records: await service.count('quota_usage_records'),
        users: await service.count('users'),
      };
      const serviceToken = service.tokens.service();
      const adminToken = service.tokens.admin();
      const badResources = [
        { cpuCores: '2' },
        { cpuCores: 2.5 },
        { cpuCores: -1 },
        { cpuCores: null },
        { cpuCores: [2] },
        { memoryMb: 1e20 },
        { storageGb: 100_000_001 },
        { cpuCores: SQL },
        { extra: 1 },
      ];
      const cases: Array<[string, string, string, unknown]> = [
        ...badResources.map((bad): [string, string, string, unknown] => [
          'POST',
          'quotas/usage',
          serviceToken,
          { ...good, ...bad },
        ]),
        ...badResources.map((bad): [string, string, string, unknown] => [
          'POST',
          'quotas/check',
          serviceToken,
          { ...goodCheck, ...bad },
        ]),
        ['POST', 'quotas/check', serviceToken, { ...goodCheck, devices: 10_001 }],
        ['POST', 'quotas/usage', serviceToken, { ...good, userId: SQL }],
        ['POST', 'quotas/usage', serviceToken, { ...good, allocationId: `${allocationId}'--` }],
        ['POST', 'quotas/usage', serviceToken, { ...good, allocationId: undefined }],
        ['POST', 'quotas/usage', serviceToken, { ...good, devices: 1 }],
        // One device's spec: beyond DEVICE_SPEC_BOUNDS no device exists (a check may total more).
        ['POST', 'quotas/usage', serviceToken, { ...good, cpuCores: 129 }],
        ['POST', 'quotas/usage', serviceToken, { ...good, memoryMb: 255 }],
        ['POST', 'quotas/usage', serviceToken, [good]],
        ['POST', 'quotas/restore', serviceToken, { userId, allocationId: SQL }],
        ['POST', 'quotas/restore', serviceToken, { userId: 42, allocationId }],
        ['POST', 'quotas/restore', serviceToken, { userId, allocationId, cpuCores: 1 }],
        ['POST', 'quotas/restore', serviceToken, {}],
        ['GET', `quotas/${encodeURIComponent(SQL)}`, serviceToken, undefined],
        ['GET', 'quotas/not-a-uuid', serviceToken, undefined],
        ['PUT', `quotas/${encodeURIComponent(SQL)}/limits`, adminToken, ROOMY],
        ['PUT', `quotas/${userId}/limits`, adminToken, { ...ROOMY, devices: -1 }],
        ['PUT', `quotas/${userId}/limits`, adminToken, { ...ROOMY, cpuCores: '10' }],
        ['PUT', `quotas/${userId}/limits`, adminToken, { ...ROOMY, memoryMb: 1e12 }],
        ['PUT', `quotas/${userId}/limits`, adminToken, { devices: 1 }],
        ['PUT', `quotas/${userId}/limits`, adminToken, { ...ROOMY, tier: 'pro' }],
      ];

      const answers: Array<HttpAnswer<ErrorBody>> = [];
      for (const [method, path, token, body] of cases) {
        answers.push(await service.request<ErrorBody>(method, path, { token, body }));
      }
      const malformed = await service.request<ErrorBody>('POST', 'quotas/usage', {
        token: serviceToken,
        rawBody: '{"userId": ',
      });
      expect({ status: malformed.status, code: malformed.body.code }).toEqual({
        status: 400,
        code: 'MALFORMED_BODY',
      });

      const unexpected = answers
        .map((answer, index) => ({ index, status: answer.status, code: answer.body.code }))
        .filter((answer) => answer.status !== 400 || answer.code !== 'VALIDATION_FAILED');
      expect(unexpected).toEqual([]);
      expect({
        quotas: await service.count('user_quotas'),
        records: await service.count('quota_usage_records'),
        users: await service.count('users'),
      }).toEqual(before);
    });
  });
});

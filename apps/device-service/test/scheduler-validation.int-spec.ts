import { SchedulerTestApp } from './scheduler-test-app';

// Malformed input on every scheduler endpoint: 400 VALIDATION_FAILED with a reason, nothing written,
// no quota taken, no event published.
describe('scheduler input validation', () => {
  let app: SchedulerTestApp;
  let user: { id: string; token: string };

  beforeAll(async () => {
    app = await SchedulerTestApp.start();
    await app.addDevices(2, { region: 'val-1' });
    user = await app.createUser();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  async function writes(): Promise<Record<string, string>> {
    const [row] = await app.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM device_allocations) AS allocations,
              (SELECT count(*) FROM outbox WHERE destination <> 'events') AS reports,
              (SELECT count(*) FROM outbox WHERE destination = 'events') AS outbox,
              (SELECT sum(claim_sequence) FROM devices) AS claims`,
    );
    return row;
  }

  const injection = "eu'; DROP TABLE devices; --";
  const allocateBodies: Array<[string, unknown]> = [
    ['no duration', {}],
    ['duration as a string', { durationMinutes: '30' }],
    ['zero duration', { durationMinutes: 0 }],
    ['negative duration', { durationMinutes: -5 }],
    ['fractional duration', { durationMinutes: 1.5 }],
    ['duration beyond 90 days', { durationMinutes: 129_601 }],
    ['duration beyond the configured maximum', { durationMinutes: 1441 }],
    ['huge duration', { durationMinutes: 1e15 }],
    ['unknown field', { durationMinutes: 5, priority: 'high' }],
    ['requirements not an object', { durationMinutes: 5, requirements: 'big' }],
    ['requirements null', { durationMinutes: 5, requirements: null }],
    ['negative cores', { durationMinutes: 5, requirements: { cpuCores: -1 } }],
    ['huge memory', { durationMinutes: 5, requirements: { memoryMb: 1e12 } }],
    ['SQL in the region', { durationMinutes: 5, requirements: { region: injection } }],
    ['SQL in the Android version', { durationMinutes: 5, requirements: { androidVersion: "13' OR '1'='1" } }],
    ['unknown requirement', { durationMinutes: 5, requirements: { gpu: true } }],
    ['userId not a uuid', { durationMinutes: 5, userId: "1' OR '1'='1" }],
    ['tenant with spaces', { durationMinutes: 5, tenantId: 'Acme Corp' }],
    ['empty idempotency key', { durationMinutes: 5, idempotencyKey: '' }],
    ['idempotency key with a space', { durationMinutes: 5, idempotencyKey: 'a b' }],
    ['idempotency key too long', { durationMinutes: 5, idempotencyKey: 'k'.repeat(256) }],
  ];

  it.each(allocateBodies)('allocate refuses %s', async (_case, body) => {
    const before = await writes();
    const answer = await app.request<{ code: string; message: string }>(
      'POST',
      'scheduler/devices/allocate',
      {
        token: user.token,
        body,
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(answer.body.message.length).toBeGreaterThan(0);
    expect(await writes()).toEqual(before);
  });

  it('allocate refuses a malformed Idempotency-Key header and a body that is not JSON', async () => {
    const before = await writes();
    const header = await app.request('POST', 'scheduler/devices/allocate', {
      token: user.token,
      body: { durationMinutes: 5 },
      headers: { 'Idempotency-Key': 'has space' },
    });
    expect(header.status).toBe(400);
    const notJson = await app.request('POST', 'scheduler/devices/allocate', {
      token: user.token,
      rawBody: '{"durationMinutes": 5',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe('MALFORMED_BODY');
    expect(await writes()).toEqual(before);
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 0 });
  });

  const releaseBodies: Array<[string, unknown]> = [
    ['neither id', {}],
    [
      'both ids',
      {
        allocationId: '3b241101-e2bb-4255-8caf-4136c566a962',
        deviceId: '3b241101-e2bb-4255-8caf-4136c566a962',
      },
    ],
    ['allocationId not a uuid', { allocationId: "x' OR 1=1 --" }],
    ['deviceId as a number', { deviceId: 42 }],
    ['fencing token zero', { deviceId: '3b241101-e2bb-4255-8caf-4136c566a962', fencingToken: '0' }],
    ['fencing token as a number', { deviceId: '3b241101-e2bb-4255-8caf-4136c566a962', fencingToken: 7 }],
    ['unknown field', { allocationId: '3b241101-e2bb-4255-8caf-4136c566a962', force: true }],
  ];

  it.each(releaseBodies)('release refuses %s', async (_case, body) => {
    const before = await writes();
    const answer = await app.request<{ code: string }>('POST', 'scheduler/devices/release', {
      token: user.token,
      body,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(await writes()).toEqual(before);
  });

  const queries: Array<[string, string]> = [
    ['available: page 0', 'scheduler/devices/available?page=0'],
    ['available: limit 1000', 'scheduler/devices/available?limit=1000'],
    ['available: unknown sort', 'scheduler/devices/available?sort=price'],
    ['available: cores not a number', 'scheduler/devices/available?minCpuCores=many'],
    ['available: unknown parameter', 'scheduler/devices/available?owner=me'],
    ['available: repeated parameter', 'scheduler/devices/available?region=a&region=b'],
    ['allocations: unknown status', 'scheduler/allocations?status=running'],
    ['allocations: from not a date', 'scheduler/allocations?from=yesterday'],
    ['allocations: userId not a uuid', `scheduler/allocations?userId=${encodeURIComponent("1' OR '1'='1")}`],
    ['allocations: sort by a hidden column', 'scheduler/allocations?sort=-requestHash'],
    ['allocation: id not a uuid', 'scheduler/allocations/not-a-uuid'],
  ];

  it.each(queries)('%s → 400', async (_case, path) => {
    const answer = await app.request<{ code: string }>('GET', path, { token: app.tokens.admin() });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
  });

  it('needs a token everywhere', async () => {
    for (const [method, path] of [
      ['POST', 'scheduler/devices/allocate'],
      ['POST', 'scheduler/devices/release'],
      ['GET', 'scheduler/devices/available'],
      ['GET', 'scheduler/allocations'],
      ['GET', 'scheduler/allocations/stats'],
    ]) {
      expect((await app.request(method, path, { body: method === 'POST' ? {} : undefined })).status).toBe(
        401,
      );
    }
  });
});

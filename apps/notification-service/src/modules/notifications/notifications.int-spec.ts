import { randomUUID } from 'node:crypto';
import type { NotificationResponse, PageResponse } from '@cloudphone/contracts';
import {
  consumerQueueNames,
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  serviceEnvironment,
  ServiceProcess,
  TestTokens,
  uniqueTestId,
  type TestDatabase,
} from '@cloudphone/shared/testing';

// The inbox API of the built notification-service: unread filter, mark read, read-all and
// unread-count, owner-only, and 400 VALIDATION_FAILED for bad input.
describe('notification-service inbox API (real Postgres, built app)', () => {
  const secrets = createTestSecrets();
  const tokens = new TestTokens(secrets);
  const namespace = uniqueTestId('inbox');
  const retryDelaysMs = [1000];
  let database: TestDatabase;
  let service: ServiceProcess;

  const call = async (method: 'GET' | 'POST', path: string, token: string) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const asUser = (userId: string) => tokens.user({ userId });
  const list = async (userId: string, query = '') => {
    const { status, body } = await call('GET', `/notifications${query}`, asUser(userId));
    expect(status).toBe(200);
    return body as unknown as PageResponse<NotificationResponse>;
  };
  /** Inserts `count` unread notifications for `userId`, oldest first; returns their ids. */
  const seed = async (userId: string, count: number) => {
    const rows = await database.query<{ id: string }>(
      `INSERT INTO notifications (user_id, type, title, body, created_at)
       SELECT $1, 'device.allocated', 'Device allocated', 'n' || n, now() - make_interval(secs => $2 - n)
       FROM generate_series(1, $2) AS n
       RETURNING id`,
      [userId, count],
    );
    return rows.map((row) => row.id);
  };

  beforeAll(async () => {
    database = await createTestDatabase('notification-service');
    service = await ServiceProcess.start({
      service: 'notification-service',
      env: serviceEnvironment({
        databaseUrl: database.url,
        secrets,
        messagingNamespace: namespace,
        overrides: { EVENTS_CONSUMER_RETRY_DELAYS_MS: retryDelaysMs.join(',') },
      }),
    });
  });

  afterAll(async () => {
    await service?.stop();
    await database?.drop();
    // The app's event consumer declared its queues even though this file publishes nothing.
    const observer = await EventObserver.connect(`${namespace}.events`);
    await observer.cleanUp(consumerQueueNames(namespace, 'notification-service', retryDelaysMs));
  });

  it('filters by unread, marks one read idempotently and keeps the first read time', async () => {
    const userId = randomUUID();
    const [first, second, third] = await seed(userId, 3);
    expect((await list(userId, '?unread=true')).total).toBe(3);

    const marked = await call('POST', `/notifications/${second}/read`, asUser(userId));
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ id: second, userId, readAt: expect.any(String) });
    const again = await call('POST', `/notifications/${second}/read`, asUser(userId));
    expect(again.status).toBe(200);
    expect(again.body.readAt).toBe(marked.body.readAt);

    expect((await list(userId, '?unread=true')).items.map((item) => item.id)).toEqual([third, first]);
    expect((await list(userId, '?unread=false')).items.map((item) => item.id)).toEqual([second]);
    expect((await list(userId)).items.map((item) => item.id)).toEqual([third, second, first]);
    expect((await call('GET', '/notifications/unread-count', asUser(userId))).body).toEqual({ unread: 2 });
  });

  it("answers 404 NOTIFICATION_NOT_FOUND for another user's notification and changes nothing", async () => {
    const owner = randomUUID();
    const [id] = await seed(owner, 1);
    const stranger = await call('POST', `/notifications/${id}/read`, asUser(randomUUID()));
    expect(stranger.status).toBe(404);
    expect(stranger.body).toMatchObject({ code: 'NOTIFICATION_NOT_FOUND' });
    const missing = await call('POST', `/notifications/${randomUUID()}/read`, asUser(owner));
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOTIFICATION_NOT_FOUND' });
    // Even an admin does not read a user's notifications for them, and services never do.
    expect((await call('POST', `/notifications/${id}/read`, tokens.admin())).status).toBe(404);
    const byService = await call('POST', `/notifications/${id}/read`, tokens.service());
    expect(byService).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await list(owner, '?unread=true')).total).toBe(1);
  });

  it('marks all of the caller’s unread notifications read and counts them', async () => {
    const userId = randomUUID();
    const other = randomUUID();
    const [first] = await seed(userId, 4);
    await seed(other, 2);
    await call('POST', `/notifications/${first}/read`, asUser(userId));

    expect(await call('POST', '/notifications/read-all', asUser(userId))).toEqual({
      status: 200,
      body: { marked: 3 },
    });
    expect(await call('POST', '/notifications/read-all', asUser(userId))).toEqual({
      status: 200,
      body: { marked: 0 },
    });
    expect((await call('GET', '/notifications/unread-count', asUser(userId))).body).toEqual({ unread: 0 });
    expect((await call('GET', '/notifications/unread-count', asUser(other))).body).toEqual({ unread: 2 });
    const [stillFirst] = (await list(userId, '?unread=false&sort=createdAt&limit=1')).items;
    expect(stillFirst.id).toBe(first);
  });

  it('lets admins and services count another user’s unread, and nobody else', async () => {
    const userId = randomUUID();
    await seed(userId, 2);
    const path = `/notifications/unread-count?userId=${userId}`;
    expect((await call('GET', path, tokens.admin())).body).toEqual({ unread: 2 });
    expect((await call('GET', path, tokens.service())).body).toEqual({ unread: 2 });
    expect((await call('GET', path, asUser(userId))).body).toEqual({ unread: 2 });
    expect(await call('GET', path, asUser(randomUUID()))).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    expect(await call('GET', '/notifications/unread-count', tokens.service())).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    expect(await call('GET', `/notifications?userId=${userId}`, asUser(randomUUID()))).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
  });

  it.each([
    ['POST', '/notifications/not-a-uuid/read', 'id'],
    ['POST', "/notifications/1'%20OR%20'1'='1/read", 'id'],
    ['GET', '/notifications?unread=maybe', 'unread'],
    ['GET', '/notifications?unread=true&unread=false', 'unread'],
    ['GET', '/notifications?read=true', 'read'],
    ['GET', '/notifications?sort=readAt', 'sort'],
    ['GET', '/notifications/unread-count?userId=me', 'userId'],
    ['GET', '/notifications/unread-count?unread=true', 'unread'],
  ] as const)('refuses %s %s with 400 VALIDATION_FAILED naming %s', async (method, path, field) => {
    const { status, body } = await call(method, path, asUser(randomUUID()));
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('requires a token on every inbox route', async () => {
    for (const [method, path] of [
      ['GET', '/notifications'],
      ['GET', '/notifications/unread-count'],
      ['POST', '/notifications/read-all'],
      ['POST', `/notifications/${randomUUID()}/read`],
    ] as const) {
      const response = await fetch(`${service.url}${path}`, { method });
      expect(response.status).toBe(401);
    }
  });
});

import { randomUUID } from 'node:crypto';
import type {
  DeliveryResponse,
  EventEnvelope,
  NotificationPreferencesResponse,
  PageResponse,
} from '@cloudphone/contracts';
import {
  consumerQueueNames,
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  serviceEnvironment,
  ScriptedHttpServer,
  ServiceProcess,
  TestTokens,
  uniqueTestId,
  waitFor,
  type TestDatabase,
  deviceAllocatedData as allocatedData,
  eventEnvelope as envelope,
} from '@cloudphone/shared/testing';

// Delivery records and preferences against the built app, real Postgres and RabbitMQ; email goes
// through the simulated transport (the SMTP conversation has its own spec in modules/email).
const RETRY_DELAYS_MS = [200, 400];
const OPERATORS = ['ops@example.com', 'oncall@example.com'];

describe('notification deliveries and preferences (real Postgres, RabbitMQ, built app)', () => {
  const secrets = createTestSecrets();
  const tokens = new TestTokens(secrets);
  const namespace = uniqueTestId('deliver');
  let database: TestDatabase;
  let observer: EventObserver;
  let service: ServiceProcess;
  // user-service as the email channel sees it: every user exists, active, with a verified address.
  let userService: ScriptedHttpServer;

  const call = <T>(method: string, path: string, token: string, body?: unknown) =>
    service.call<T>(method, path, token, body);
  const publish = (event: EventEnvelope) =>
    observer.publishRaw(event.type, Buffer.from(JSON.stringify(event)));
  const deliveriesOf = async (userId: string, query = '') =>
    (
      await call<PageResponse<DeliveryResponse>>(
        'GET',
        `notifications/deliveries?limit=100${query}`,
        tokens.user({ userId }),
      )
    ).body.items;
  const settledEmails = (userId: string, count: number) =>
    waitFor(
      async () => {
        const items = await deliveriesOf(userId, '&channel=email&status=delivered');
        return items.length >= count ? items : undefined;
      },
      { timeoutMs: 10_000, description: `${count} delivered email(s) for ${userId}` },
    );
  const trigger = async (job: string) => {
    const response = await fetch(`${service.url}/internal/cron/${job}/trigger`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin()}` },
    });
    expect([202, 409]).toContain(response.status);
  };

  beforeAll(async () => {
    database = await createTestDatabase('notification-service');
    observer = await EventObserver.connect(`${namespace}.events`);
    userService = await ScriptedHttpServer.start((request) => {
      const id = /^\/users\/([0-9a-f-]{36})$/.exec(request.url)?.[1];
      if (!id) return { status: 404, body: { code: 'NOT_FOUND', message: 'no route' } };
      const user = {
        id,
        tenantId: 'default',
        email: `${id}@example.com`,
        displayName: 'Renter',
        status: 'active',
      };
      return { status: 200, body: { ...user, emailVerified: true, roles: ['user'], tier: 'standard' } };
    });
    service = await ServiceProcess.start({
      service: 'notification-service',
      env: serviceEnvironment({
        databaseUrl: database.url,
        secrets,
        messagingNamespace: namespace,
        overrides: {
          EVENTS_CONSUMER_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
          EMAIL_TRANSPORT: 'simulated',
          USER_SERVICE_URL: userService.url,
          OPERATOR_EMAILS: OPERATORS.join(','),
          CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }),
        },
      }),
    });
    await waitFor(() => service.logs.find((line) => line.msg === 'event consumer started'), {
      description: 'the event consumer to start',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await userService?.close();
    await observer?.cleanUp(consumerQueueNames(namespace, 'notification-service', RETRY_DELAYS_MS));
    await database?.drop();
  });

  it('shows the defaults, and stores a batch of choices and the locale all or nothing', async () => {
    const userId = randomUUID();
    const token = tokens.user({ userId });
    const initial = await call<NotificationPreferencesResponse>('GET', 'notifications/preferences', token);
    expect(initial.status).toBe(200);
    expect(initial.body.locale).toBe('en');
    const find = (view: NotificationPreferencesResponse, eventType: string, channel: string) =>
      view.preferences.find((p) => p.eventType === eventType && p.channel === channel);
    expect(find(initial.body, 'user.locked_out', 'email')).toMatchObject({ enabled: true, locked: true });
    expect(find(initial.body, 'device.allocated', 'email')).toMatchObject({
      enabled: false,
      isDefault: true,
    });
    expect(find(initial.body, 'user.password_reset_requested', 'push')).toBeUndefined();

    const changed = await call<NotificationPreferencesResponse>(
      'POST',
      'notifications/preferences/batch',
      token,
      {
        locale: 'de',
        preferences: [
          { eventType: 'device.allocated', channel: 'email', enabled: true },
          { eventType: 'billing.invoice_issued', channel: 'push', enabled: false },
        ],
      },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.locale).toBe('de');
    expect(find(changed.body, 'device.allocated', 'email')).toMatchObject({
      enabled: true,
      isDefault: false,
    });
    expect(find(changed.body, 'billing.invoice_issued', 'push')).toMatchObject({ enabled: false });

    // One refused choice refuses the batch: the valid one beside it is not stored.
    const refused = await call('POST', 'notifications/preferences/batch', token, {
      preferences: [
        { eventType: 'device.released', channel: 'email', enabled: true },
        { eventType: 'user.password_changed', channel: 'email', enabled: false },
      ],
    });
    expect(refused).toMatchObject({ status: 422, body: { code: 'PREFERENCE_LOCKED' } });
    const after = await call<NotificationPreferencesResponse>('GET', 'notifications/preferences', token);
    expect(find(after.body, 'device.released', 'email')).toMatchObject({ enabled: false, isDefault: true });
  });

  it('refuses hostile preference input with a 4xx and a stable code, changing nothing', async () => {
    const userId = randomUUID();
    const token = tokens.user({ userId });
    const cases: Array<[unknown, number, string]> = [
      [
        { preferences: [{ eventType: 'constructor', channel: 'email', enabled: true }] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { preferences: [{ eventType: 'constructor.prototype', channel: 'email', enabled: true }] },
        422,
        'UNKNOWN_EVENT_TYPE',
      ],
      [
        { preferences: [{ eventType: 'device.allocated\u0000', channel: 'email', enabled: true }] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { preferences: [{ eventType: 'device.allocated', channel: 'sms', enabled: true }] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { preferences: [{ eventType: 'device.allocated', channel: 'email', enabled: 'yes' }] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { preferences: [{ eventType: 'user.email_verification_requested', channel: 'push', enabled: true }] },
        422,
        'CHANNEL_NOT_ALLOWED',
      ],
      [{ locale: 'xx' }, 400, 'VALIDATION_FAILED'],
      [{ preferences: 'x'.repeat(10) }, 400, 'VALIDATION_FAILED'],
      [
        { preferences: Array(201).fill({ eventType: 'device.allocated', channel: 'push', enabled: true }) },
        400,
        'VALIDATION_FAILED',
      ],
      [
        {
          preferences: [1, 2].map(() => ({ eventType: 'device.allocated', channel: 'push', enabled: true })),
        },
        400,
        'DUPLICATE_PREFERENCE',
      ],
    ];
    for (const [body, status, code] of cases) {
      expect(await call('POST', 'notifications/preferences/batch', token, body)).toMatchObject({
        status,
        body: { code },
      });
    }
    const view = await call<NotificationPreferencesResponse>('GET', 'notifications/preferences', token);
    expect(view.body.preferences.every((p) => p.isDefault)).toBe(true);

    const stranger = await call('GET', `notifications/preferences?userId=${userId}`, tokens.user());
    expect(stranger).toMatchObject({ status: 403 });
    expect(await call('GET', `notifications/preferences?userId=${userId}`, tokens.admin())).toMatchObject({
      status: 200,
    });
    expect(await call('GET', 'notifications/preferences', tokens.service())).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
  });

  it('sends one email per fact by the channels the preferences choose, however often the event comes', async () => {
    const userId = randomUUID();
    const failed = envelope('allocation.failed', {
      allocationId: randomUUID(),
      deviceId: randomUUID(),
      userId,
      tenantId: 'default',
      code: 'QUOTA_EXCEEDED',
    });
    // device.allocated is not emailed by default.
    await publish(envelope('device.allocated', allocatedData(userId)));
    await Promise.all([publish(failed), publish(failed), publish({ ...failed, id: randomUUID() })]);
    const [email] = await settledEmails(userId, 1);
    expect(email).toMatchObject({
      userId,
      channel: 'email',
      eventType: 'allocation.failed',
      round: 0,
      attempts: 1,
    });
    // Both events consumed: one email in all (device.allocated's push rows aside).
    await waitFor(
      async () => {
        const inbox = await call<PageResponse<unknown>>('GET', 'notifications', tokens.user({ userId }));
        return inbox.body.items.length === 2 ? true : undefined;
      },
      { description: 'both events in the inbox' },
    );
    expect(await deliveriesOf(userId, '&channel=email')).toHaveLength(1);

    // Another user cannot see it; an admin can, and replays it as a new round with the same id.
    expect((await call('GET', `notifications/deliveries/${email.id}`, tokens.user())).status).toBe(404);
    expect(
      (await call('POST', `notifications/deliveries/${email.id}/replay`, tokens.user({ userId }))).status,
    ).toBe(403);
    const replayed = await call<DeliveryResponse>(
      'POST',
      `notifications/deliveries/${email.id}/replay`,
      tokens.admin(),
    );
    expect(replayed).toMatchObject({ status: 200, body: { id: email.id, round: 1 } });
    await waitFor(
      async () => {
        const again = await call<DeliveryResponse>(
          'GET',
          `notifications/deliveries/${email.id}`,
          tokens.admin(),
        );
        return again.body.status === 'delivered' && again.body.round === 1 ? again : undefined;
      },
      { description: 'the replayed round delivered' },
    );
    expect(
      (await call('POST', `notifications/deliveries/${randomUUID()}/replay`, tokens.admin())).status,
    ).toBe(404);
    expect(await call('GET', 'notifications/deliveries/constructor', tokens.admin())).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
  });

  it('mails each closed window of errors to every operator once, however many digests race', async () => {
    const userId = randomUUID();
    for (let i = 0; i < 3; i++) {
      await publish(
        envelope('allocation.failed', {
          allocationId: randomUUID(),
          deviceId: randomUUID(),
          userId,
          tenantId: 'default',
          code: 'NO_DEVICE_AVAILABLE',
        }),
      );
    }
    const counted = () =>
      database.query<{ occurrences: string }>(
        `SELECT occurrences FROM error_digest_entries WHERE source = 'event:allocation.failed' AND code = 'NO_DEVICE_AVAILABLE'`,
      );
    await waitFor(async () => ((await counted())[0]?.occurrences === '3' ? true : undefined), {
      description: 'three failures counted in one group',
    });
    // Close the window: move it an hour back instead of waiting for it to end.
    await database.query(`UPDATE error_digest_entries SET window_start = window_start - interval '1 hour'`);
    await Promise.all([trigger('error-digest'), trigger('error-digest')]);
    const digests = await waitFor(
      async () => {
        const rows = await database.query<{ target: string; status: string; payload: { body: string } }>(
          `SELECT target, status, payload FROM notification_deliveries WHERE event_type = 'operator.error_digest'`,
        );
        return rows.length === OPERATORS.length && rows.every((row) => row.status === 'delivered')
          ? rows
          : undefined;
      },
      { description: 'the digest emailed to both operators' },
    );
    expect(digests.map((row) => row.target).sort()).toEqual([...OPERATORS].sort());
    expect(digests[0].payload.body).toMatch(/3× event:allocation.failed NO_DEVICE_AVAILABLE/);
    await trigger('error-digest');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [{ count }] = await database.query<{ count: string }>(
      `SELECT count(*) FROM notification_deliveries WHERE event_type = 'operator.error_digest'`,
    );
    expect(count).toBe(String(OPERATORS.length));
  });
});

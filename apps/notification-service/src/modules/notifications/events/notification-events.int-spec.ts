import { randomUUID } from 'node:crypto';
import type { EventEnvelope, NotificationResponse, PageResponse } from '@cloudphone/contracts';
import {
  consumerQueueNames,
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  serviceEnvironment,
  ServiceProcess,
  TestTokens,
  uniqueTestId,
  waitFor,
  type TestDatabase,
  sumMetricSamples,
  deviceAllocatedData as allocatedData,
  balanceLowData,
  eventEnvelope as envelope,
  invoiceIssuedData,
  paymentSucceededData,
} from '@cloudphone/shared/testing';

// notification-service as a consumer: events published to the exchange the way another service's
// relay publishes them become one notification each in the user's inbox, however often they arrive.
const RETRY_DELAYS_MS = [200, 400];

describe('notification-service consuming domain events (real Postgres, RabbitMQ, built app)', () => {
  const secrets = createTestSecrets();
  const tokens = new TestTokens(secrets);
  const namespace = uniqueTestId('notify');
  const queue = `${namespace}.notification-service`;
  let database: TestDatabase;
  let observer: EventObserver;
  let service: ServiceProcess;

  const publish = async (envelope: EventEnvelope) =>
    observer.publishRaw(envelope.type, Buffer.from(JSON.stringify(envelope)));
  const inbox = async (userId: string, query = '') => {
    const response = await fetch(`${service.url}/notifications?limit=100${query}`, {
      headers: { authorization: `Bearer ${tokens.user({ userId })}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as PageResponse<NotificationResponse>).items;
  };
  const inboxOf = (userId: string, size: number) =>
    waitFor(async () => ((await inbox(userId)).length >= size ? inbox(userId) : undefined), {
      timeoutMs: 10000,
      description: `${size} notification(s) for ${userId}`,
    });
  const metric = async (name: string, labels: Record<string, string>) => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    return sumMetricSamples(text, name, labels);
  };
  const waitForMetric = (name: string, labels: Record<string, string>, atLeast: number) =>
    waitFor(async () => (await metric(name, labels)) >= atLeast, {
      timeoutMs: 10000,
      description: `${name}${JSON.stringify(labels)} to reach ${atLeast}`,
    });
  const dlq = () => observer.drain(`${queue}.dlq`);

  beforeAll(async () => {
    database = await createTestDatabase('notification-service');
    observer = await EventObserver.connect(`${namespace}.events`);
    service = await ServiceProcess.start({
      service: 'notification-service',
      env: serviceEnvironment({
        databaseUrl: database.url,
        secrets,
        messagingNamespace: namespace,
        overrides: { EVENTS_CONSUMER_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(',') },
      }),
    });
    // Bound and consuming: an event published before its binding exists would be dropped unrouted.
    await waitFor(() => service.logs.find((line) => line.msg === 'event consumer started'), {
      description: 'the event consumer to start',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await observer?.cleanUp(consumerQueueNames(namespace, 'notification-service', RETRY_DELAYS_MS));
    await database?.drop();
  });

  it('stores one notification per event type in the user’s inbox', async () => {
    const userId = randomUUID();
    const events = [
      envelope('device.allocated', allocatedData(userId)),
      envelope('allocation.expiring', expiringData(userId)),
      envelope('allocation.expired', expiredData(userId)),
      envelope('device.released', releasedData(userId)),
      envelope('billing.balance_low', balanceLowData(userId), 'billing-service'),
    ];
    for (const event of events) await publish(event);

    const items = await inboxOf(userId, events.length);
    expect(items).toHaveLength(events.length);
    const byType = new Map(items.map((item) => [item.type, item]));
    expect(byType.get('device.allocated')).toMatchObject({ title: 'Device allocated', readAt: null });
    expect(byType.get('allocation.expiring')?.body).toContain('Your device expires in 5 minutes');
    expect(byType.get('allocation.expired')).toMatchObject({ title: 'Device expired' });
    expect(byType.get('device.released')?.body).toContain('Billed time: 30 min.');
    expect(byType.get('billing.balance_low')?.body).toContain('Your balance is 4.20 USD');
    for (const event of events) {
      expect(byType.get(event.type)).toMatchObject({ userId, sourceEventId: event.id, data: event.data });
    }
    // Counted after commit, so it may trail the row by a moment.
    await waitForMetric('cloudphone_notifications_created_total', { type: 'device.allocated' }, 1);
    expect(await metric('cloudphone_notifications_created_total', { type: 'device.allocated' })).toBe(1);
    // Nobody else sees them.
    expect(await inbox(randomUUID())).toEqual([]);
  });

  it('creates one notification for the same event delivered twice', async () => {
    const userId = randomUUID();
    const event = envelope('device.allocated', allocatedData(userId));
    await publish(event);
    await publish(event);
    await waitForMetric(
      'cloudphone_events_consumed_total',
      { type: 'device.allocated', outcome: 'duplicate' },
      1,
    );
    expect(await inboxOf(userId, 1)).toHaveLength(1);
  });

  it('creates one notification for the same fact re-published under new envelope ids, even concurrently', async () => {
    const userId = randomUUID();
    const data = allocatedData(userId);
    const ignored = () =>
      metric('cloudphone_notifications_events_ignored_total', { reason: 'already_notified' });
    const before = await ignored();
    const first = envelope('device.allocated', data);
    await publish(first);
    await inboxOf(userId, 1);
    // Ten more copies at once: with prefetch they are handled concurrently and race on the key.
    const copies = Array.from({ length: 10 }, () => envelope('device.allocated', data));
    await Promise.all(copies.map(publish));
    await waitForMetric(
      'cloudphone_notifications_events_ignored_total',
      { reason: 'already_notified' },
      before + 10,
    );
    const items = await inbox(userId);
    expect(items).toHaveLength(1);
    expect(items[0].sourceEventId).toBe(first.id);
    expect(await ignored()).toBe(before + 10);
  });

  it('drops an expiry warning that arrives after the allocation ended', async () => {
    const userId = randomUUID();
    const expired = expiredData(userId);
    await publish(envelope('allocation.expired', expired));
    await inboxOf(userId, 1);
    await publish(
      envelope('allocation.expiring', { ...expiringData(userId), allocationId: expired.allocationId }),
    );
    await waitForMetric('cloudphone_notifications_events_ignored_total', { reason: 'stale' }, 1);
    expect((await inbox(userId)).map((item) => item.type)).toEqual(['allocation.expired']);
  });

  it('dead-letters an event version no contract class describes, writing nothing', async () => {
    const userId = randomUUID();
    const future = { ...envelope('device.allocated', { something: 'new', userId }), version: 2 };
    await publish(future);
    const dead = await waitFor(async () => (await dlq()).at(0), {
      timeoutMs: 10000,
      description: 'the unknown version in the dead-letter queue',
    });
    expect(JSON.parse(dead.content)).toMatchObject({ id: future.id, version: 2 });
    expect(dead.headers).toMatchObject({ 'x-attempt': 1, 'x-dead-letter-reason': 'invalid_payload' });
    expect(String(dead.headers['x-last-error'])).toContain(
      'device.allocated v2: unknown version (known: v1)',
    );
    expect(await inbox(userId)).toEqual([]);
    expect(await database.query('SELECT 1 FROM inbox WHERE event_id = $1', [future.id])).toHaveLength(0);
  });

  it('sends a malformed payload to the dead-letter queue at once and keeps consuming', async () => {
    const userId = randomUUID();
    const poison = envelope('device.released', {
      ...releasedData(userId),
      billedSeconds: -5,
      userId: 'nobody',
    });
    await publish(poison);
    const dead = await waitFor(async () => (await dlq()).at(0), {
      timeoutMs: 10000,
      description: 'the malformed event in the dead-letter queue',
    });
    expect(JSON.parse(dead.content)).toMatchObject({ id: poison.id });
    expect(dead.headers).toMatchObject({ 'x-attempt': 1, 'x-dead-letter-reason': 'invalid_payload' });
    expect(String(dead.headers['x-last-error'])).toMatch(/billedSeconds.*userId|userId.*billedSeconds/s);
    expect(await database.query('SELECT 1 FROM inbox WHERE event_id = $1', [poison.id])).toHaveLength(0);

    const later = envelope('device.released', releasedData(userId));
    await publish(later);
    expect((await inboxOf(userId, 1)).map((item) => item.sourceEventId)).toEqual([later.id]);
    expect(await metric('cloudphone_events_retries_total', { type: 'device.released' })).toBe(0);
  });

  it('emails a password-reset request without an inbox row: its token only in the sensitive delivery record until it settles, never logged', async () => {
    const userId = randomUUID();
    const request = envelope('user.password_reset_requested', resetRequestedData(userId), 'user-service');
    const token = (request.data as { token: string }).token;
    await publish(request);
    await waitForMetric(
      'cloudphone_events_consumed_total',
      { type: 'user.password_reset_requested', outcome: 'handled' },
      1,
    );
    await waitForMetric(
      'cloudphone_notifications_events_ignored_total',
      { type: 'user.password_reset_requested', reason: 'email_only' },
      1,
    );
    expect(await database.query('SELECT 1 FROM inbox WHERE event_id = $1', [request.id])).toHaveLength(1);
    expect(await inbox(userId)).toEqual([]);
    // One email delivery (EMAIL_TRANSPORT=simulated here), marked sensitive: the token travels in its
    // payload until the delivery settles, then the payload is emptied.
    const [delivery] = await waitFor(
      async () => {
        const rows = await database.query<{
          id: string;
          status: string;
          sensitive: boolean;
          payload: unknown;
        }>('SELECT id, status, sensitive, payload FROM notification_deliveries WHERE user_id = $1', [userId]);
        return rows.length > 0 && rows.every((row) => row.status === 'delivered') ? rows : undefined;
      },
      { timeoutMs: 10000, description: 'the reset email delivery to settle' },
    );
    expect(delivery).toMatchObject({ status: 'delivered', sensitive: true, payload: {} });
    // The outbox row names the record only, never its content.
    expect(
      await database.query('SELECT data FROM outbox WHERE data->>$1 = $2', ['deliveryId', delivery.id]),
    ).toEqual([{ data: { deliveryId: delivery.id, round: 0 } }]);
    // No table holds the token any more, and no log line ever did.
    const tables = await database.query<{ name: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    for (const { name } of tables) {
      const rows = await database.query(`SELECT t::text AS row FROM ${name} t`);
      expect({ table: name, rows: JSON.stringify(rows).includes(token) }).toEqual({
        table: name,
        rows: false,
      });
    }
    expect(JSON.stringify(service.logs)).not.toContain(token);
    expect(service.logs).toContainEqual(
      expect.objectContaining({ userId, type: 'user.password_reset_requested', eventId: request.id }),
    );
    expect(service.logs).toContainEqual(
      expect.objectContaining({ msg: 'email sent', deliveryId: delivery.id, template: 'password_reset' }),
    );
    // The user's later account events still reach the inbox.
    await publish(envelope('user.verified', { userId, tenantId: 'default' }, 'user-service'));
    expect((await inboxOf(userId, 1)).map((item) => item.title)).toEqual(['Email verified']);
  });

  it('creates one notification for a payment or an invoice however often it is published', async () => {
    const userId = randomUUID();
    const before = await metric('cloudphone_notifications_events_ignored_total', {
      reason: 'already_notified',
    });
    const paid = paymentSucceededData(userId);
    // The same payment under two envelope ids (a re-published fact), an invoice's envelope twice.
    await publish(envelope('billing.payment_succeeded', paid, 'billing-service'));
    await publish(envelope('billing.payment_succeeded', paid, 'billing-service'));
    const issued = envelope('billing.invoice_issued', invoiceIssuedData(userId), 'billing-service');
    await publish(issued);
    await publish(issued);
    await waitForMetric(
      'cloudphone_notifications_events_ignored_total',
      { reason: 'already_notified' },
      before + 1,
    );
    await waitForMetric(
      'cloudphone_events_consumed_total',
      { type: 'billing.invoice_issued', outcome: 'duplicate' },
      1,
    );
    const items = await inboxOf(userId, 2);
    expect(items.map((item) => item.title).sort()).toEqual(['Invoice issued', 'Payment received']);
    expect(items.find((item) => item.type === 'billing.payment_succeeded')?.body).toBe(
      'Your payment of 50.00 USD went through. Your balance is now 125.00 USD.',
    );
  });
});

function expiringData(userId: string) {
  const base = { allocationId: randomUUID(), deviceId: randomUUID(), userId, tenantId: 'default' };
  return { ...base, expiresAt: '2026-03-01T12:30:00.000Z', minutesLeft: 5 };
}

function expiredData(userId: string) {
  const base = { allocationId: randomUUID(), deviceId: randomUUID(), userId, tenantId: 'default' };
  return {
    ...base,
    startedAt: '2026-03-01T12:00:00.000Z',
    expiredAt: '2026-03-01T12:30:00.000Z',
    billedSeconds: 1800,
  };
}

function releasedData(userId: string) {
  return {
    allocationId: randomUUID(),
    deviceId: randomUUID(),
    userId,
    tenantId: 'default',
    startedAt: '2026-03-01T12:00:00.000Z',
    endedAt: '2026-03-01T12:30:00.000Z',
    billedSeconds: 1800,
    reason: 'released',
    fencingToken: '1',
  };
}

function resetRequestedData(userId: string) {
  return {
    userId,
    tenantId: 'default',
    email: 'ada@example.com',
    displayName: 'Ada',
    token: `reset-${randomUUID()}`,
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type {
  DeliveryResponse,
  EventEnvelope,
  PageResponse,
  WebhookEndpointResponse,
  WebhookEndpointWithSecretResponse,
  WebhookPayload,
} from '@cloudphone/contracts';
import {
  consumerQueueNames,
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  serviceEnvironment,
  ServiceProcess,
  TestTokens,
  trackedHttpServer,
  uniqueTestId,
  waitFor,
  type TestDatabase,
  type TrackedHttpServer,
  deviceAllocatedData as allocatedData,
  balanceLowData,
  eventEnvelope as envelope,
} from '@cloudphone/shared/testing';

// Webhooks end to end: the built app consumes events from RabbitMQ and POSTs them to a receiver on
// 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true; the guard itself is covered by
// webhook-url.guard.spec.ts). The receiver checks signatures the way docs/webhooks.md tells
// receivers to, with its own code, and recognises a delivery id it has seen as a duplicate.
const RETRY_DELAYS_MS = [200, 400];
const MAX_ATTEMPTS = 3;

interface Received {
  path: string;
  raw: string;
  headers: IncomingHttpHeaders;
  body: WebhookPayload;
  /** The receiver had seen this delivery id before (a retry or a replay). */
  duplicate: boolean;
}

type Reply = { status: number; headers?: Record<string, string> };

/** A webhook receiver: answers per path as scripted (by the path's request count), records all. */
class Receiver {
  readonly received: Received[] = [];
  private readonly seen = new Set<string>();
  private readonly scripts = new Map<string, (count: number) => Reply>();

  constructor(readonly http: TrackedHttpServer) {
    http.server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '';
        const body = JSON.parse(raw) as WebhookPayload;
        const id = String(request.headers['x-cloudphone-delivery']);
        const count = this.received.filter((entry) => entry.path === path).length;
        this.received.push({ path, raw, headers: request.headers, body, duplicate: this.seen.has(id) });
        this.seen.add(id);
        const reply: Reply = (this.scripts.get(path) ?? (() => ({ status: 200 })))(count);
        response.writeHead(reply.status, reply.headers).end('ok');
      });
    });
  }

  /** A fresh path on this receiver, answered by `script` (200 by default). */
  endpoint(script?: (count: number) => Reply): { url: string; path: string } {
    const path = `/hooks/${randomUUID()}`;
    if (script) this.scripts.set(path, script);
    return { url: `${this.http.baseUrl}${path}`, path };
  }

  at(path: string): Received[] {
    return this.received.filter((entry) => entry.path === path);
  }
}

/**
 * The check docs/webhooks.md describes, written independently of the service's signer: the
 * header's `t` and `v1`, HMAC-SHA256 of `<t>.<raw body>` keyed with the secret, compared in
 * constant time, and a timestamp no more than five minutes old.
 */
function signatureValid(secret: string, raw: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const fields = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = fields.get('t') ?? '';
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest();
  const given = Buffer.from(fields.get('v1') ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhooks (built app, real Postgres and RabbitMQ, a receiver on 127.0.0.1)', () => {
  const secrets = createTestSecrets();
  const tokens = new TestTokens(secrets);
  const namespace = uniqueTestId('webhooks');
  const issuedSecrets: string[] = [];
  let database: TestDatabase;
  let observer: EventObserver;
  let service: ServiceProcess;
  let receiver: Receiver;

  const call = <T>(method: string, path: string, token: string, body?: unknown) =>
    service.call<T>(method, path, token, body);
  const register = async (userId: string, body: Record<string, unknown>) => {
    const created = await call<WebhookEndpointWithSecretResponse>(
      'POST',
      'notifications/webhooks',
      tokens.user({ userId }),
      body,
    );
    expect(created.status).toBe(201);
    issuedSecrets.push(created.body.secret);
    return created.body;
  };
  const publish = (event: EventEnvelope) =>
    observer.publishRaw(event.type, Buffer.from(JSON.stringify(event)));
  const deliveriesTo = async (userId: string, endpointId: string) =>
    (
      await call<PageResponse<DeliveryResponse>>(
        'GET',
        `notifications/deliveries?channel=webhook&target=${endpointId}`,
        tokens.user({ userId }),
      )
    ).body.items;
  const settled = (userId: string, endpointId: string, status: string) =>
    waitFor(
      async () => (await deliveriesTo(userId, endpointId)).find((delivery) => delivery.status === status),
      { timeoutMs: 15_000, description: `a ${status} webhook delivery to ${endpointId}` },
    );
  const requestsAt = (path: string, count: number) =>
    waitFor(() => (receiver.at(path).length >= count ? receiver.at(path) : undefined), {
      timeoutMs: 15_000,
      description: `${count} request(s) at ${path}`,
    });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    receiver = new Receiver(await trackedHttpServer());
    database = await createTestDatabase('notification-service');
    observer = await EventObserver.connect(`${namespace}.events`);
    service = await ServiceProcess.start({
      service: 'notification-service',
      env: serviceEnvironment({
        databaseUrl: database.url,
        secrets,
        messagingNamespace: namespace,
        overrides: {
          EVENTS_CONSUMER_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
          WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
          WEBHOOK_TIMEOUT_MS: '2000',
          DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
          EVENTS_RELAY_POLL_INTERVAL_MS: '100',
          EVENTS_RELAY_RETRY_INITIAL_DELAY_MS: '100',
          EVENTS_RELAY_RETRY_MAX_DELAY_MS: '200',
          // No second round from retry-failed-deliveries while a test watches a failed record.
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
    await observer?.cleanUp(consumerQueueNames(namespace, 'notification-service', RETRY_DELAYS_MS));
    await database?.drop();
    await receiver?.http.close();
  });

  it('registers an endpoint and sends an event as one signed POST with the documented body', async () => {
    const userId = randomUUID();
    const target = receiver.endpoint();
    const endpoint = await register(userId, { url: target.url, description: 'CI hook' });
    expect(endpoint).toMatchObject({
      userId,
      url: target.url,
      description: 'CI hook',
      eventTypes: [],
      enabled: true,
    });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await call<WebhookEndpointResponse[]>(
      'GET',
      'notifications/webhooks',
      tokens.user({ userId }),
    );
    expect(listed.body).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
    expect(listed.body[0]).toMatchObject({ id: endpoint.id });

    const event = envelope('device.allocated', allocatedData(userId));
    await publish(event);
    const [request] = await requestsAt(target.path, 1);
    expect(signatureValid(endpoint.secret, request.raw, request.headers['x-cloudphone-signature'])).toBe(
      true,
    );
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Cloudphone-Webhooks/1',
      'x-cloudphone-event': 'device.allocated',
      'x-cloudphone-delivery': request.body.id,
    });
    expect(request.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'device.allocated',
      occurredAt: event.occurredAt,
      notification: { id: expect.any(String), title: 'Device allocated', body: expect.any(String) },
      data: event.data,
    });
    expect(request.duplicate).toBe(false);
    const delivery = await settled(userId, endpoint.id, 'delivered');
    expect(delivery).toMatchObject({ id: request.body.id, attempts: 1, round: 0, lastError: null });
  });

  it('sends one POST for an event published twice and for its fact under a new envelope id', async () => {
    const userId = randomUUID();
    const target = receiver.endpoint();
    await register(userId, { url: target.url });
    const event = envelope('device.allocated', allocatedData(userId));
    await publish(event);
    await publish(event);
    await publish({ ...event, id: randomUUID() });
    await requestsAt(target.path, 1);
    await pause(1500);
    expect(receiver.at(target.path)).toHaveLength(1);
  });

  it('retries a failing receiver with the same delivery id until it answers 2xx', async () => {
    const userId = randomUUID();
    const target = receiver.endpoint((count) => ({ status: count < 2 ? 500 : 200 }));
    const endpoint = await register(userId, { url: target.url });
    await publish(envelope('device.allocated', allocatedData(userId)));
    const requests = await requestsAt(target.path, 3);
    const ids = new Set(requests.map((request) => request.body.id));
    expect(ids.size).toBe(1);
    expect(requests.map((request) => request.duplicate)).toEqual([false, true, true]);
    expect(
      requests.every((request) =>
        signatureValid(endpoint.secret, request.raw, request.headers['x-cloudphone-signature']),
      ),
    ).toBe(true);
    expect(await settled(userId, endpoint.id, 'delivered')).toMatchObject({ id: [...ids][0], attempts: 3 });
  });

  it('marks the delivery failed after DELIVERY_MAX_ATTEMPTS answers of 500', async () => {
    const userId = randomUUID();
    const target = receiver.endpoint(() => ({ status: 500 }));
    const endpoint = await register(userId, { url: target.url });
    await publish(envelope('device.allocated', allocatedData(userId)));
    const failed = await settled(userId, endpoint.id, 'failed');
    expect(failed).toMatchObject({
      attempts: MAX_ATTEMPTS,
      lastError: expect.stringContaining('WEBHOOK_HTTP_500'),
    });
    expect(failed.nextRetryAt).not.toBeNull();
    await pause(500);
    expect(receiver.at(target.path)).toHaveLength(MAX_ATTEMPTS);
  });

  it('retry-failed-deliveries sends a failed delivery again in a new round; old ones become dead, then are cleaned up', async () => {
    const trigger = async (job: string) => {
      const response = await fetch(`${service.url}/internal/cron/${job}/trigger`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.admin()}` },
      });
      expect(response.status).toBe(202);
    };
    const userId = randomUUID();
    let recovered = false;
    const target = receiver.endpoint(() => ({ status: recovered ? 200 : 503 }));
    const endpoint = await register(userId, { url: target.url });
    await publish(envelope('device.allocated', allocatedData(userId)));
    await publish(envelope('device.allocated', allocatedData(userId)));
    const failed = await waitFor(
      async () => {
        const items = await deliveriesTo(userId, endpoint.id);
        return items.length === 2 && items.every((item) => item.status === 'failed') ? items : undefined;
      },
      { timeoutMs: 15_000, description: 'both deliveries failed' },
    );
    // One is due again; the other is past the retry window (24 h by default).
    const [due, old] = failed;
    await database.query(`UPDATE notification_deliveries SET next_retry_at = now() WHERE id = $1`, [due.id]);
    await database.query(
      `UPDATE notification_deliveries SET next_retry_at = now(), created_at = now() - interval '25 hours' WHERE id = $1`,
      [old.id],
    );
    recovered = true;
    await trigger('retry-failed-deliveries');
    const byId = async (id: string) =>
      (await call<DeliveryResponse>('GET', `notifications/deliveries/${id}`, tokens.user({ userId }))).body;
    await waitFor(async () => ((await byId(due.id)).status === 'delivered' ? true : undefined), {
      description: 'the retried round delivered',
    });
    expect(await byId(due.id)).toMatchObject({ round: 1, attempts: 1, totalAttempts: MAX_ATTEMPTS + 1 });
    await waitFor(async () => ((await byId(old.id)).status === 'dead' ? true : undefined), {
      description: 'the old failure dead-lettered',
    });
    // The receiver saw the retried delivery under its one id: the last copy is flagged as a repeat.
    const copies = receiver
      .at(target.path)
      .filter((entry) => entry.headers['x-cloudphone-delivery'] === due.id);
    expect(copies).toHaveLength(MAX_ATTEMPTS + 1);
    expect(copies.at(-1)?.duplicate).toBe(true);
    expect(
      receiver.at(target.path).filter((entry) => entry.headers['x-cloudphone-delivery'] === old.id),
    ).toHaveLength(MAX_ATTEMPTS);

    // Settled records past the retention (30 days) are deleted; recent ones stay.
    await database.query(
      `UPDATE notification_deliveries SET updated_at = now() - interval '31 days' WHERE id = $1`,
      [old.id],
    );
    await trigger('cleanup-delivery-records');
    await waitFor(
      async () =>
        (await call('GET', `notifications/deliveries/${old.id}`, tokens.admin())).status === 404
          ? true
          : undefined,
      {
        description: 'the old dead record deleted',
      },
    );
    expect((await byId(due.id)).status).toBe('delivered');
  });

  it('dead-letters the delivery after one answer of 400', async () => {
    const userId = randomUUID();
    const target = receiver.endpoint(() => ({ status: 400 }));
    const endpoint = await register(userId, { url: target.url });
    await publish(envelope('device.allocated', allocatedData(userId)));
    const dead = await settled(userId, endpoint.id, 'dead');
    expect(dead).toMatchObject({ attempts: 1, lastError: expect.stringContaining('WEBHOOK_HTTP_400') });
    await pause(500);
    expect(receiver.at(target.path)).toHaveLength(1);
  });

  it('replays a delivered delivery for an admin with the same id, which the receiver sees as a duplicate', async () => {
    const userId = randomUUID();
    const target = receiver.endpoint();
    const endpoint = await register(userId, { url: target.url });
    await publish(envelope('device.allocated', allocatedData(userId)));
    const delivered = await settled(userId, endpoint.id, 'delivered');
    const replay = `notifications/deliveries/${delivered.id}/replay`;
    expect(await call('POST', replay, tokens.user({ userId }))).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    expect(await call('POST', replay, tokens.admin())).toMatchObject({
      status: 200,
      body: { id: delivered.id, round: 1 },
    });
    const [first, again] = await requestsAt(target.path, 2);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body).toEqual(first.body);
    expect(again.duplicate).toBe(true);
    expect(signatureValid(endpoint.secret, again.raw, again.headers['x-cloudphone-signature'])).toBe(true);
    await waitFor(
      async () => {
        const [record] = await deliveriesTo(userId, endpoint.id);
        return record?.status === 'delivered' && record.round === 1;
      },
      { description: 'the replay delivered' },
    );
  });

  it('signs with the new secret once it is rotated; the old one no longer verifies', async () => {
    const userId = randomUUID();
    const target = receiver.endpoint();
    const endpoint = await register(userId, { url: target.url });
    const rotated = await call<WebhookEndpointWithSecretResponse>(
      'POST',
      `notifications/webhooks/${endpoint.id}/rotate-secret`,
      tokens.user({ userId }),
    );
    expect(rotated).toMatchObject({
      status: 200,
      body: { id: endpoint.id, secret: expect.stringMatching(/^whsec_/) },
    });
    issuedSecrets.push(rotated.body.secret);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const shown = await call<WebhookEndpointResponse>(
      'GET',
      `notifications/webhooks/${endpoint.id}`,
      tokens.user({ userId }),
    );
    expect(shown.body).not.toHaveProperty('secret');

    await publish(envelope('device.allocated', allocatedData(userId)));
    const [request] = await requestsAt(target.path, 1);
    const header = request.headers['x-cloudphone-signature'];
    expect(signatureValid(rotated.body.secret, request.raw, header)).toBe(true);
    expect(signatureValid(endpoint.secret, request.raw, header)).toBe(false);
    // A tampered body fails the same check.
    expect(signatureValid(rotated.body.secret, request.raw.replace('Device', 'Devise'), header)).toBe(false);
  });

  it('sends an endpoint only the event types it takes', async () => {
    const userId = randomUUID();
    const lowOnly = receiver.endpoint();
    const everything = receiver.endpoint();
    await register(userId, { url: lowOnly.url, eventTypes: ['billing.balance_low'] });
    await register(userId, { url: everything.url });
    await publish(envelope('device.allocated', allocatedData(userId)));
    await publish(envelope('billing.balance_low', balanceLowData(userId), 'billing-service'));
    await requestsAt(everything.path, 2);
    const [low] = await requestsAt(lowOnly.path, 1);
    await pause(500);
    expect(receiver.at(lowOnly.path)).toHaveLength(1);
    expect(low.body.type).toBe('billing.balance_low');
    expect(
      receiver
        .at(everything.path)
        .map((request) => request.body.type)
        .sort(),
    ).toEqual(['billing.balance_low', 'device.allocated']);
  });

  it('skips a queued delivery whose endpoint was deleted, and queues none for it afterwards', async () => {
    const userId = randomUUID();
    // The first answer asks for a retry in 3 s; the endpoint is deleted meanwhile.
    const target = receiver.endpoint((count) =>
      count === 0 ? { status: 503, headers: { 'retry-after': '3' } } : { status: 200 },
    );
    const endpoint = await register(userId, { url: target.url });
    await publish(envelope('device.allocated', allocatedData(userId)));
    await requestsAt(target.path, 1);
    const removed = await call('DELETE', `notifications/webhooks/${endpoint.id}`, tokens.user({ userId }));
    expect(removed.status).toBe(204);
    const dead = await settled(userId, endpoint.id, 'dead');
    expect(dead).toMatchObject({ attempts: 2, lastError: 'skipped: the endpoint was deleted' });
    expect(receiver.at(target.path)).toHaveLength(1);

    expect((await call('GET', `notifications/webhooks/${endpoint.id}`, tokens.user({ userId }))).status).toBe(
      404,
    );
    expect(
      (await call('DELETE', `notifications/webhooks/${endpoint.id}`, tokens.user({ userId }))).status,
    ).toBe(404);
    expect((await call<unknown[]>('GET', 'notifications/webhooks', tokens.user({ userId }))).body).toEqual(
      [],
    );
    await publish(envelope('device.allocated', allocatedData(userId)));
    await waitFor(
      async () => {
        const inbox = await call<PageResponse<unknown>>('GET', 'notifications', tokens.user({ userId }));
        return inbox.body.items.length === 2;
      },
      { description: 'the second event in the inbox' },
    );
    expect(await deliveriesTo(userId, endpoint.id)).toHaveLength(1);
  });

  it('changes an endpoint with PATCH; a disabled one gets nothing', async () => {
    const userId = randomUUID();
    const token = tokens.user({ userId });
    const target = receiver.endpoint();
    const endpoint = await register(userId, { url: receiver.endpoint().url, description: 'old' });
    const changed = await call<WebhookEndpointResponse>(
      'PATCH',
      `notifications/webhooks/${endpoint.id}`,
      token,
      {
        url: target.url,
        description: '',
        eventTypes: ['device.allocated'],
      },
    );
    expect(changed).toMatchObject({
      status: 200,
      body: { url: target.url, description: null, eventTypes: ['device.allocated'], enabled: true },
    });
    await call('PATCH', `notifications/webhooks/${endpoint.id}`, token, { enabled: false });
    await publish(envelope('device.allocated', allocatedData(userId)));
    await waitFor(
      async () => (await call<PageResponse<unknown>>('GET', 'notifications', token)).body.items.length === 1,
      {
        description: 'the event in the inbox',
      },
    );
    await pause(500);
    expect(receiver.at(target.path)).toHaveLength(0);
    expect(await deliveriesTo(userId, endpoint.id)).toHaveLength(0);
  });

  it('refuses hostile and malformed input with stable codes, never a 500', async () => {
    const userId = randomUUID();
    const token = tokens.user({ userId });
    const url = receiver.endpoint().url;
    const create = (body: unknown) => call('POST', 'notifications/webhooks', token, body);
    const expectRefused = async (body: unknown, status: number, code: string) =>
      expect(await create(body)).toMatchObject({ status, body: { code } });
    await expectRefused({ url: `${url}\u0000` }, 400, 'VALIDATION_FAILED');
    await expectRefused({ url, description: 'a\u0000b' }, 400, 'VALIDATION_FAILED');
    await expectRefused({ url, description: 'line\nbreak' }, 400, 'VALIDATION_FAILED');
    await expectRefused({ url: `${url}/${'a'.repeat(10_000)}` }, 400, 'VALIDATION_FAILED');
    await expectRefused({ url, description: 'x'.repeat(201) }, 400, 'VALIDATION_FAILED');
    await expectRefused({ url, eventTypes: ['constructor'] }, 400, 'VALIDATION_FAILED');
    await expectRefused({ url, eventTypes: ['object.constructor'] }, 422, 'UNKNOWN_EVENT_TYPE');
    await expectRefused({ url, eventTypes: ['user.password_reset_requested'] }, 422, 'CHANNEL_NOT_ALLOWED');
    await expectRefused(
      { url, eventTypes: ['device.allocated', 'device.allocated'] },
      400,
      'VALIDATION_FAILED',
    );
    await expectRefused(
      { url, eventTypes: Array.from({ length: 51 }, (_, i) => `a.b${i}`) },
      400,
      'VALIDATION_FAILED',
    );
    await expectRefused({ url, eventTypes: 'device.allocated' }, 400, 'VALIDATION_FAILED');
    await expectRefused({ url, secret: 'whsec_mine' }, 400, 'VALIDATION_FAILED');
    await expectRefused({ url: 'ftp://example.com/hook' }, 422, 'WEBHOOK_URL_INVALID');
    await expectRefused({ url: 'https://user:pass@example.com/hook' }, 422, 'WEBHOOK_URL_INVALID');
    await expectRefused({ url: 'not a url' }, 422, 'WEBHOOK_URL_INVALID');
    await expectRefused({ url: 42 }, 400, 'VALIDATION_FAILED');
    await expectRefused({ url: null }, 400, 'VALIDATION_FAILED');
    await expectRefused({ [`url\u0000`]: url }, 400, 'VALIDATION_FAILED');
    await expectRefused(
      JSON.parse('{"url":"https://example.com","constructor":{"prototype":{}}}'),
      400,
      'VALIDATION_FAILED',
    );
    // Nesting that deep is refused by the body parser, before any validation.
    await expectRefused(`{"url":${'['.repeat(5000)}${']'.repeat(5000)}}`, 400, 'MALFORMED_BODY');

    // Ids and ownership: a malformed id is a 400; another user's endpoint answers 404 on every route.
    const theirs = await register(randomUUID(), { url });
    expect(await call('GET', 'notifications/webhooks/constructor', token)).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    for (const [method, path] of [
      ['GET', `notifications/webhooks/${theirs.id}`],
      ['PATCH', `notifications/webhooks/${theirs.id}`],
      ['DELETE', `notifications/webhooks/${theirs.id}`],
      ['POST', `notifications/webhooks/${theirs.id}/rotate-secret`],
    ] as const) {
      expect(
        await call(method, path, token, method === 'PATCH' ? { enabled: false } : undefined),
      ).toMatchObject({
        status: 404,
        body: { code: 'WEBHOOK_NOT_FOUND' },
      });
    }
    // Acting for another user: admins may, users may not, services must name the user.
    expect(await call('GET', `notifications/webhooks?userId=${theirs.userId}`, token)).toMatchObject({
      status: 403,
    });
    const forAdmin = await call<WebhookEndpointResponse>(
      'GET',
      `notifications/webhooks/${theirs.id}?userId=${theirs.userId}`,
      tokens.admin(),
    );
    expect(forAdmin).toMatchObject({ status: 200, body: { id: theirs.id } });
    expect(await call('GET', 'notifications/webhooks', tokens.service())).toMatchObject({ status: 400 });
    expect(await call('GET', 'notifications/webhooks?userId=nope', tokens.admin())).toMatchObject({
      status: 400,
    });
    expect(
      (
        await call('PATCH', `notifications/webhooks/${theirs.id}?userId=${theirs.userId}`, tokens.admin(), {
          url: 'gopher://x',
        })
      ).status,
    ).toBe(422);
    expect((await call('GET', 'notifications/webhooks', token)).body).toEqual([]);
  });

  it('holds the limit of 10 live endpoints per user under concurrent creation', async () => {
    const userId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 16 }, () =>
        call<WebhookEndpointWithSecretResponse>('POST', 'notifications/webhooks', tokens.user({ userId }), {
          url: receiver.endpoint().url,
        }),
      ),
    );
    for (const result of results) if (result.status === 201) issuedSecrets.push(result.body.secret);
    expect(results.filter((result) => result.status === 201)).toHaveLength(10);
    expect(
      results.filter((result) => result.status === 409 && result.body.code === 'WEBHOOK_LIMIT_REACHED'),
    ).toHaveLength(6);
    const [{ count }] = await database.query<{ count: string }>(
      'SELECT count(*) FROM webhook_endpoints WHERE user_id = $1 AND deleted_at IS NULL',
      [userId],
    );
    expect(count).toBe('10');
    // A deleted endpoint frees its place.
    const [first] = results.filter((result) => result.status === 201);
    expect(
      (await call('DELETE', `notifications/webhooks/${first.body.id}`, tokens.user({ userId }))).status,
    ).toBe(204);
    await register(userId, { url: receiver.endpoint().url });
  });

  it('never stores or logs a secret in clear', async () => {
    expect(issuedSecrets.length).toBeGreaterThan(10);
    const rows = await database.query<{ secret_ciphertext: string }>(
      'SELECT secret_ciphertext FROM webhook_endpoints',
    );
    const stored = JSON.stringify(rows);
    const logged = JSON.stringify(service.logs);
    for (const secret of issuedSecrets) {
      expect(stored).not.toContain(secret);
      expect(stored).not.toContain(secret.slice('whsec_'.length));
      expect(logged).not.toContain(secret.slice('whsec_'.length));
    }
    expect(rows.every((row) => row.secret_ciphertext.startsWith('v1:'))).toBe(true);
  });
});

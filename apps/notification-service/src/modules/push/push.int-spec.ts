import { randomUUID } from 'node:crypto';
import { io as connectSocket, type Socket as ClientSocket } from 'socket.io-client';
import type {
  ApiKeyIntrospectionResponse,
  DeliveryResponse,
  PageResponse,
  PushNotificationMessage,
} from '@cloudphone/contracts';
import { TokenService } from '@cloudphone/shared';
import {
  consumerQueueNames,
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  ScriptedHttpServer,
  serviceEnvironment,
  ServiceProcess,
  TcpProxy,
  TEST_SERVERS,
  TestTokens,
  uniqueTestId,
  waitFor,
  type TestDatabase,
  deviceAllocatedData as allocatedData,
} from '@cloudphone/shared/testing';

// The push channel of the built app against real Postgres, RabbitMQ and Redis (through a proxy the
// test cuts): the handshake check with JWTs and API keys (user-service scripted), expiry, and a
// push while Redis is unreachable.
const RETRY_DELAYS_MS = [200, 400];

describe('notification-service WebSocket push (built app, real servers)', () => {
  const secrets = createTestSecrets();
  const tokens = new TestTokens(secrets);
  const signer = new TokenService(secrets.jwtSecret, secrets.serviceTokenSecret, 'test');
  const namespace = uniqueTestId('push');
  const redisPrefix = uniqueTestId('push-redis');
  /** API keys user-service knows: key → grant. */
  const grants = new Map<string, ApiKeyIntrospectionResponse>();
  let userServiceDown = false;
  let userService: ScriptedHttpServer;
  let redis: TcpProxy;
  let database: TestDatabase;
  let observer: EventObserver;
  let service: ServiceProcess;
  const sockets: ClientSocket[] = [];

  const connect = (
    auth: Record<string, unknown>,
    options: { headers?: Record<string, string>; polling?: boolean } = {},
  ) => {
    const socket = connectSocket(service.url, {
      path: '/socket.io',
      transports: options.polling ? ['polling'] : ['websocket'],
      auth,
      extraHeaders: options.headers,
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return socket;
  };
  const outcome = (socket: ClientSocket) =>
    new Promise<{ connected: true } | { connected: false; message: string; code?: string }>((resolve) => {
      socket.once('connect', () => resolve({ connected: true }));
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
        resolve({ connected: false, message: error.message, code: error.data?.code }),
      );
    });
  const pushesTo = (socket: ClientSocket) => {
    const received: PushNotificationMessage[] = [];
    socket.on('notification', (message: PushNotificationMessage) => received.push(message));
    return received;
  };
  const publishAllocated = (userId: string) =>
    observer.publishRaw(
      'device.allocated',
      Buffer.from(
        JSON.stringify({
          id: randomUUID(),
          type: 'device.allocated',
          version: 1,
          occurredAt: new Date().toISOString(),
          source: 'device-service',
          data: allocatedData(userId),
        }),
      ),
    );
  const pushDeliveries = async (userId: string) => {
    const response = await fetch(`${service.url}/notifications/deliveries?channel=push`, {
      headers: { authorization: `Bearer ${tokens.user({ userId })}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as PageResponse<DeliveryResponse>).items;
  };
  const metric = async (name: string) => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    return text.split('\n').filter((line) => line.startsWith(name));
  };

  beforeAll(async () => {
    userService = await ScriptedHttpServer.start((request) => {
      if (userServiceDown) return { status: 503, body: { code: 'NOT_READY', message: 'down' } };
      const { key } = JSON.parse(request.body || '{}') as { key?: string };
      const grant = key ? grants.get(key) : undefined;
      return grant
        ? { status: 200, body: grant }
        : { status: 401, body: { code: 'API_KEY_INVALID', message: 'invalid' } };
    });
    const redisUrl = new URL(TEST_SERVERS.redisUrl);
    redis = await new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379)).start();
    // Redis is unreachable from the start: the service must still start and serve HTTP.
    redis.cut();
    database = await createTestDatabase('notification-service');
    observer = await EventObserver.connect(`${namespace}.events`);
    service = await ServiceProcess.start({
      service: 'notification-service',
      waitUntil: 'listening',
      env: serviceEnvironment({
        databaseUrl: database.url,
        secrets,
        messagingNamespace: namespace,
        redisKeyPrefix: redisPrefix,
        overrides: {
          REDIS_URL: redis.wrap(TEST_SERVERS.redisUrl),
          USER_SERVICE_URL: userService.url,
          API_KEY_CACHE_TTL_MS: '0',
          API_KEY_INVALID_CACHE_TTL_MS: '0',
          EVENTS_CONSUMER_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
          EVENTS_RELAY_RETRY_INITIAL_DELAY_MS: '100',
          EVENTS_RELAY_RETRY_MAX_DELAY_MS: '300',
          DELIVERY_MAX_ATTEMPTS: '100',
          CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }),
        },
      }),
    });
    await waitFor(() => service.logs.find((line) => line.msg === 'event consumer started'), {
      description: 'the event consumer to start',
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await service?.stop();
    await observer?.cleanUp(consumerQueueNames(namespace, 'notification-service', RETRY_DELAYS_MS));
    await database?.drop();
    await redis?.close();
    await userService?.close();
  });

  it('serves HTTP and sockets without Redis; a push fails transiently, then goes out once Redis is back', async () => {
    const userId = randomUUID();
    const inbox = await fetch(`${service.url}/notifications`, {
      headers: { authorization: `Bearer ${tokens.user({ userId })}` },
    });
    expect(inbox.status).toBe(200);
    // Redis only degrades readiness: the replica stays in rotation and keeps serving.
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'degraded', degraded: ['redis'] });

    const socket = connect({ token: tokens.user({ userId }) });
    expect(await outcome(socket)).toEqual({ connected: true });
    const received = pushesTo(socket);
    await publishAllocated(userId);
    const [failing] = await waitFor(
      async () => {
        const found = await pushDeliveries(userId);
        return found.length === 1 && found[0].attempts >= 2 ? found : undefined;
      },
      { description: 'the push delivery to fail a few times', timeoutMs: 15_000 },
    );
    expect(failing).toMatchObject({ status: 'pending' });
    expect(failing.lastError).toContain('PUSH_FANOUT_UNAVAILABLE');
    // Nothing reached even this replica's socket: the retry must write to it once.
    expect(received).toEqual([]);

    redis.restore();
    await waitFor(() => received.length > 0, {
      description: 'the push after Redis came back',
      timeoutMs: 15_000,
    });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      deliveryId: failing.id,
      type: 'device.allocated',
      notification: { title: 'Device allocated' },
      data: { userId },
    });
    await waitFor(async () => (await pushDeliveries(userId))[0]?.status === 'delivered', {
      description: 'the push delivery to be delivered',
    });
    expect((await metric('cloudphone_notification_pushes_total')).join('\n')).toMatch(/outcome="failed"/);
  });

  it('admits a user JWT in auth.token or an Authorization header; refuses bad tokens and service tokens', async () => {
    const userId = randomUUID();
    expect(await outcome(connect({ token: tokens.user({ userId }) }))).toEqual({ connected: true });
    expect(
      await outcome(connect({}, { headers: { authorization: `Bearer ${tokens.user({ userId })}` } })),
    ).toEqual({
      connected: true,
    });
    expect(await outcome(connect({}))).toMatchObject({ connected: false, code: 'UNAUTHENTICATED' });
    expect(await outcome(connect({ token: 'not-a-token' }))).toMatchObject({
      connected: false,
      code: 'UNAUTHENTICATED',
    });
    const foreign = new TestTokens(createTestSecrets()).user({ userId });
    expect(await outcome(connect({ token: foreign }))).toMatchObject({
      connected: false,
      code: 'UNAUTHENTICATED',
    });
    expect(await outcome(connect({ token: tokens.service() }))).toMatchObject({
      connected: false,
      code: 'FORBIDDEN',
    });
    const refused = await metric('cloudphone_notification_push_connections_refused_total');
    expect(refused.join('\n')).toMatch(/code="UNAUTHENTICATED".* 3$/m);
    expect(refused.join('\n')).toMatch(/code="FORBIDDEN".* 1$/m);
  });

  it('admits an API key covering notifications:read; refuses other keys, and says so while user-service is down', async () => {
    const userId = randomUUID();
    const grant = (scopes: string[]) => {
      const key = `cpk_${randomUUID().replace(/-/g, '')}${'k'.repeat(11)}`;
      grants.set(key, {
        keyId: randomUUID(),
        userId,
        tenantId: 'default',
        roles: ['user'],
        scopes,
        expiresAt: null,
      });
      return key;
    };
    const reader = connect({ token: grant(['notifications:read']) });
    expect(await outcome(reader)).toEqual({ connected: true });
    expect(await outcome(connect({ token: grant(['notifications:write']) }))).toEqual({ connected: true });
    expect(await outcome(connect({ token: grant(['billing:read']) }))).toMatchObject({
      connected: false,
      code: 'API_KEY_SCOPE',
    });
    expect(await outcome(connect({ token: `cpk_${'z'.repeat(43)}` }))).toMatchObject({
      connected: false,
      code: 'API_KEY_INVALID',
    });
    userServiceDown = true;
    try {
      expect(await outcome(connect({ token: grant(['notifications:read']) }))).toMatchObject({
        connected: false,
        code: 'DEPENDENCY_UNAVAILABLE',
      });
    } finally {
      userServiceDown = false;
    }
    // The key's socket gets the user's pushes.
    const received = pushesTo(reader);
    await publishAllocated(userId);
    await waitFor(() => received.length === 1, { description: 'the push on the API key socket' });
  });

  it('closes a socket when its JWT expires', async () => {
    const userId = randomUUID();
    const shortLived = signer.signUserToken({ sub: userId, roles: ['user'], tenantId: 'default' }, 2);
    const socket = connect({ token: shortLived });
    expect(await outcome(socket)).toEqual({ connected: true });
    const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
  });

  it('refuses long-polling (WebSocket only) and counts the open sockets', async () => {
    const userId = randomUUID();
    expect(await outcome(connect({ token: tokens.user({ userId }) }, { polling: true }))).toMatchObject({
      connected: false,
    });
    const open = async () => {
      const [line] = await metric('cloudphone_notification_push_sockets');
      return Number(line?.split(' ').pop());
    };
    const before = await open();
    const socket = connect({ token: tokens.user({ userId }) });
    await outcome(socket);
    expect(await open()).toBe(before + 1);
    socket.disconnect();
    await waitFor(async () => (await open()) === before, {
      description: 'the gauge to drop after a disconnect',
    });
  });

  it('stops promptly on SIGTERM with sockets open, closing them first; nothing was left unhandled', async () => {
    const socket = connect({ token: tokens.user() });
    expect(await outcome(socket)).toEqual({ connected: true });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const { code, durationMs } = await service.stop('SIGTERM');
    expect(code).toBe(0);
    expect(durationMs).toBeLessThan(5000);
    expect(await closed).toBe('transport close');
    expect(service.logs.filter((line) => line.msg === 'unhandled promise rejection')).toEqual([]);
    expect(service.logs.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
  });
});

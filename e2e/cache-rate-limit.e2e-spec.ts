import { setTimeout as sleep } from 'node:timers/promises';
import { RedisConnectionManager } from '@cloudphone/shared';
import {
  createTestDatabase,
  createTestSecrets,
  serviceEnvironment,
  ServiceProcess,
  TcpProxy,
  TEST_SERVERS,
  type TestDatabase,
  TestTokens,
  uniqueTestId,
  waitFor,
} from '@cloudphone/shared/testing';

// Two OS processes of the fixture app (e2e/fixtures/cache-rate-limit) share one Redis key prefix
// and one database: replica A talks to Redis directly, replica B through a TcpProxy the last test
// cuts to take Redis away from it.
const secrets = createTestSecrets();
const tokens = new TestTokens(secrets);
const redisPrefix = uniqueTestId('e2e_cache');
const redisUrl = new URL(TEST_SERVERS.redisUrl);
let database: TestDatabase;
let proxy: TcpProxy;
let a: ServiceProcess;
let b: ServiceProcess;

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(
  replica: ServiceProcess,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Reply> {
  const response = await fetch(`${replica.url}${path}`, {
    method,
    headers: {
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const loads = async (replica: ServiceProcess) =>
  (await call(replica, 'GET', '/fixture/loads')).body as {
    items: number;
    leased: number;
    controller: number;
  };

beforeAll(async () => {
  database = await createTestDatabase('device-service', { migrate: false });
  await database.query('CREATE TABLE fixture_items (id text PRIMARY KEY, name text NOT NULL)');
  proxy = await new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379)).start();
  const env = (redis: string) =>
    serviceEnvironment({
      databaseUrl: database.url,
      redisKeyPrefix: redisPrefix,
      secrets,
      overrides: {
        REDIS_URL: redis,
        DOCS_ENABLED: 'false',
        RATE_LIMIT_WRITE_POINTS: '5',
        RATE_LIMIT_WRITE_WINDOW_MS: '60000',
        REDIS_BREAKER_OPEN_MS: '500',
        // Generous: on a loaded CI machine a Redis answer can take longer than half a second, and a
        // late answer counts as Redis down (the stampede test would then load twice, by design). The
        // cut below refuses connections, so it is detected at once, not by this timeout.
        REDIS_COMMAND_TIMEOUT_MS: '3000',
      },
    });
  [a, b] = await Promise.all([
    ServiceProcess.startFixture({ fixture: 'cache-rate-limit', env: env(TEST_SERVERS.redisUrl) }),
    ServiceProcess.startFixture({ fixture: 'cache-rate-limit', env: env(proxy.wrap(TEST_SERVERS.redisUrl)) }),
  ]);
}, 90000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await proxy?.close();
  await database?.drop();
  const redis = new RedisConnectionManager({
    url: TEST_SERVERS.redisUrl,
    keyPrefix: `${redisPrefix}:`,
    commandTimeoutMs: 2000,
    connectionName: 'cache-rate-limit-e2e-cleanup',
  });
  await waitFor(() => redis.isReady(), { description: 'Redis for cleanup' });
  const keys = await redis.client.keys(`${redisPrefix}:*`);
  if (keys.length > 0) await redis.client.unlink(...keys);
  await redis.close();
});

describe('cache across two processes', () => {
  it('an eviction on one replica reaches the other replica’s process tier at once', async () => {
    expect((await call(b, 'GET', '/fixture/items/1')).body).toEqual({ id: '1', name: 'initial' });
    await call(b, 'GET', '/fixture/items/1');
    expect((await call(a, 'GET', '/fixture/items/1')).body).toEqual({ id: '1', name: 'initial' });
    expect((await loads(b)).items).toBe(1);
    expect((await loads(a)).items).toBe(0); // served from the Redis tier

    expect((await call(a, 'PUT', '/fixture/items/1', { body: { name: 'renamed' } })).status).toBe(200);
    const started = Date.now();
    await waitFor(async () => (await call(b, 'GET', '/fixture/items/1')).body.name === 'renamed', {
      timeoutMs: 3000,
      intervalMs: 5,
      description: 'replica B to serve the renamed item',
    });
    // Well inside CACHE_LOCAL_TTL_MS (5 s): the pub/sub message, not the TTL, did it.
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await loads(b)).items).toBe(2);
  });

  it('binds @Cacheable on controller methods too', async () => {
    const first = await call(a, 'GET', '/fixture/controller-cached/x');
    const second = await call(a, 'GET', '/fixture/controller-cached/x');
    expect(second.body).toEqual(first.body);
    expect((await loads(a)).controller).toBe(1);
  });

  it('a stampede of 100 requests over both replicas loads once with the Redis lease', async () => {
    const since = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, index) => call(index % 2 === 0 ? a : b, 'GET', '/fixture/leased/hot')),
    );
    expect(replies.every((reply) => reply.status === 200 && reply.body.id === 'hot')).toBe(true);
    const [loadsA, loadsB] = await Promise.all([loads(a), loads(b)]);
    // A second load is by design only when Redis did not answer; the cache's warnings say why.
    const warnings = [a, b].flatMap((replica) =>
      replica
        .logsAtLevel('warn', 'error')
        .filter((line) => line.context === 'Cache' && Date.parse(String(line.time)) >= since),
    );
    expect({ loads: loadsA.leased + loadsB.leased, warnings }).toEqual({ loads: 1, warnings: [] });
  });
});

describe('rate limiting across two processes', () => {
  it('allows exactly N in a window while both replicas are hammered together', async () => {
    const replies = await Promise.all(
      Array.from({ length: 120 }, (_, index) =>
        call(index % 2 === 0 ? a : b, 'POST', '/fixture/limited/route'),
      ),
    );
    const allowed = replies.filter((reply) => reply.status === 201);
    const refused = replies.filter((reply) => reply.status === 429);
    expect(allowed).toHaveLength(30);
    expect(refused).toHaveLength(90);
    expect(
      refused.every(
        (reply) => reply.body.code === 'RATE_LIMITED' && Number(reply.headers.get('retry-after')) > 0,
      ),
    ).toBe(true);
    const remaining = allowed
      .map((reply) => Number(reply.headers.get('ratelimit-remaining')))
      .sort((x, y) => x - y);
    expect(remaining).toEqual(Array.from({ length: 30 }, (_, index) => index));
  });

  it('slides: no second burst just after the first, room again once the first has aged out', async () => {
    const fire = async (count: number) => {
      const statuses = [];
      for (let i = 0; i < count; i += 1)
        statuses.push((await call(i % 2 === 0 ? a : b, 'POST', '/fixture/limited/sliding')).status);
      return statuses;
    };
    expect(await fire(5)).toEqual([201, 201, 201, 201, 201]);
    const firstBurstEnd = Date.now();
    await sleep(1000);
    expect(await fire(5)).toEqual([429, 429, 429, 429, 429]);
    await sleep(Math.max(0, firstBurstEnd + 3000 + 500 - Date.now()));
    expect(await fire(6)).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('limits per user after authentication, with RateLimit-* headers and a 429 carrying Retry-After', async () => {
    const alice = tokens.user();
    const bob = tokens.user();
    const replies = [];
    for (let i = 0; i < 4; i += 1)
      replies.push(await call(i % 2 === 0 ? a : b, 'POST', '/fixture/limited/user', { token: alice }));
    expect(replies.map((reply) => reply.status)).toEqual([201, 201, 201, 429]);
    expect(replies.map((reply) => reply.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(replies[0].headers.get('ratelimit-limit')).toBe('3');
    expect(Number(replies[0].headers.get('ratelimit-reset'))).toBe(60);
    expect(replies[3].body).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(Number(replies[3].headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect((await call(a, 'POST', '/fixture/limited/user', { token: bob })).status).toBe(201);
    expect((await call(a, 'POST', '/fixture/limited/user')).status).toBe(401);
  });

  it('keys a budget with a custom `by` function of the request and principal (here: the user’s tenant)', async () => {
    const acme = uniqueTestId('acme');
    const [alice, bob] = [tokens.user({ tenantId: acme }), tokens.user({ tenantId: acme })];
    const carol = tokens.user({ tenantId: uniqueTestId('globex') });
    const post = (replica: ServiceProcess, token: string) =>
      call(replica, 'POST', '/fixture/limited/tenant', { token });
    const replies = [await post(a, alice), await post(b, alice), await post(a, bob), await post(b, bob)];
    expect(replies.map((reply) => reply.status)).toEqual([201, 201, 201, 429]);
    expect(replies.map((reply) => reply.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect((await post(a, alice)).status).toBe(429);
    const otherTenant = await post(b, carol);
    expect(otherTenant.status).toBe(201);
    expect(otherTenant.headers.get('ratelimit-remaining')).toBe('2');
  });

  it('with two @RateLimit on a route, a request refused by one spends nothing of the other', async () => {
    const post = (replica: ServiceProcess) => call(replica, 'POST', '/fixture/limited/stacked');
    const firstAt = Date.now();
    expect([(await post(a)).status, (await post(b)).status]).toEqual([201, 201]);
    // Refused by the 2-per-2 s limit; had they spent the 3-per-minute one, it would be empty now.
    const refused: Reply[] = [];
    for (let i = 0; i < 8; i += 1) refused.push(await post(i % 2 === 0 ? a : b));
    expect(refused.map((reply) => reply.status)).toEqual(Array(8).fill(429));
    expect(refused.every((reply) => reply.headers.get('ratelimit-limit') === '2')).toBe(true);
    expect(Date.now() - firstAt).toBeLessThan(2000);

    await sleep(Math.max(0, firstAt + 2000 + 150 - Date.now()));
    const third = await post(a);
    expect(third.status).toBe(201);
    expect(third.headers.get('ratelimit-limit')).toBe('3');
    expect(third.headers.get('ratelimit-remaining')).toBe('0');
    const overMinute = await post(b);
    expect(overMinute.status).toBe(429);
    expect(overMinute.headers.get('ratelimit-limit')).toBe('3');
    expect(Number(overMinute.headers.get('retry-after'))).toBeGreaterThan(50);
  });

  it('applies the default write limit, never to @SkipRateLimit routes, reads, health or metrics', async () => {
    const writes = [];
    for (let i = 0; i < 6; i += 1)
      writes.push((await call(i % 2 === 0 ? a : b, 'POST', '/fixture/default-write')).status);
    expect(writes).toEqual([201, 201, 201, 201, 201, 429]);
    for (let i = 0; i < 10; i += 1) expect((await call(a, 'POST', '/fixture/unlimited')).status).toBe(201);
    for (let i = 0; i < 10; i += 1) {
      const ready = await fetch(`${a.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.headers.get('ratelimit-limit')).toBeNull();
    }
    expect((await fetch(`${a.url}/metrics`)).headers.get('ratelimit-limit')).toBeNull();
    expect((await call(a, 'GET', '/fixture/items/1')).headers.get('ratelimit-limit')).toBeNull();
  });
});

describe('Redis unreachable from replica B', () => {
  it('keeps answering from the process tier and the loader, follows each route’s policy, and recovers', async () => {
    await call(b, 'GET', '/fixture/items/2');
    proxy.cut();
    expect((await call(b, 'GET', '/fixture/items/2')).status).toBe(200);
    const cold = await call(b, 'GET', '/fixture/items/3');
    expect(cold.status).toBe(200);
    expect(cold.body).toEqual({ id: '3', name: 'initial' });

    const open = await call(b, 'POST', '/fixture/limited/open');
    expect(open.status).toBe(201);
    expect(open.headers.get('ratelimit-limit')).toBeNull();
    const closed = await call(b, 'POST', '/fixture/limited/closed');
    expect(closed.status).toBe(503);
    expect(closed.body.code).toBe('RATE_LIMIT_UNAVAILABLE');
    expect((await call(a, 'POST', '/fixture/limited/closed')).status).toBe(201);

    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(
      /cloudphone_cache_dropped_writes_total\{[^}]*reason="redis_unavailable"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(
      /cloudphone_rate_limit_decisions_total\{[^}]*outcome="store_down_refused"[^}]*\} [1-9]/,
    );

    proxy.restore();
    await waitFor(async () => (await call(b, 'POST', '/fixture/limited/closed')).status === 201, {
      timeoutMs: 15000,
      description: 'replica B to use Redis again',
    });
    expect((await call(b, 'PUT', '/fixture/items/3', { body: { name: 'after' } })).status).toBe(200);
    await waitFor(async () => (await call(a, 'GET', '/fixture/items/3')).body.name === 'after', {
      timeoutMs: 2000,
      description: 'replica A to see the change made on B after recovery',
    });
  });
});

import { RedisConnectionManager } from '@cloudphone/shared';
import {
  createTestDatabase,
  serviceEnvironment,
  ServiceProcess,
  TEST_SERVERS,
  type TestDatabase,
  uniqueTestId,
  waitFor,
} from '@cloudphone/shared/testing';

// Processes of the cache/rate-limit fixture (e2e/fixtures/cache-rate-limit) under three TRUST_PROXY
// settings. The test talks to them directly, so it plays the proxy: it sets X-Forwarded-For itself.
const redisPrefix = uniqueTestId('e2e_trust');
let database: TestDatabase;
const started: ServiceProcess[] = [];

async function startFixture(label: string, trustProxy?: string): Promise<ServiceProcess> {
  const fixture = await ServiceProcess.startFixture({
    fixture: 'cache-rate-limit',
    env: serviceEnvironment({
      databaseUrl: database.url,
      redisKeyPrefix: `${redisPrefix}:${label}`,
      overrides: { DOCS_ENABLED: 'false', ...(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy }) },
    }),
  });
  started.push(fixture);
  return fixture;
}

async function clientIp(replica: ServiceProcess, forwardedFor?: string): Promise<string> {
  const response = await fetch(`${replica.url}/fixture/client-ip`, {
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  });
  return ((await response.json()) as { ip: string }).ip;
}

async function limitedByIp(replica: ServiceProcess, forwardedFor: string): Promise<number> {
  const response = await fetch(`${replica.url}/fixture/limited/ip`, {
    method: 'POST',
    headers: { 'x-forwarded-for': forwardedFor },
  });
  return response.status;
}

const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$|^::1$/;

beforeAll(async () => {
  database = await createTestDatabase('device-service', { migrate: false });
}, 60000);

afterAll(async () => {
  await Promise.all(started.map((process) => process.stop()));
  await database?.drop();
  const redis = new RedisConnectionManager({
    url: TEST_SERVERS.redisUrl,
    keyPrefix: '',
    commandTimeoutMs: 2000,
    connectionName: 'trust-proxy-e2e-cleanup',
  });
  await waitFor(() => redis.isReady(), { description: 'Redis for cleanup' });
  const keys = await redis.client.keys(`${redisPrefix}:*`);
  if (keys.length > 0) await redis.client.unlink(...keys);
  await redis.close();
});

describe('TRUST_PROXY', () => {
  it('unset (false): X-Forwarded-For is ignored, so a client cannot pick its own IP or rate-limit budget', async () => {
    const service = await startFixture('off');
    expect(await clientIp(service, '203.0.113.7')).toMatch(LOOPBACK);
    expect(await limitedByIp(service, '203.0.113.7')).toBe(201);
    expect(await limitedByIp(service, '198.51.100.1')).toBe(201);
    // A third "client" is the same socket address, whose two points are spent.
    expect(await limitedByIp(service, '192.0.2.44')).toBe(429);
  });

  it('1 (one proxy, the ingress): the address that proxy saw is the client, with its own budget', async () => {
    const service = await startFixture('one-hop', '1');
    // A client-supplied entry in front of the ingress's own is not believed.
    expect(await clientIp(service, '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
    expect(await clientIp(service)).toMatch(LOOPBACK);
    expect([
      await limitedByIp(service, '203.0.113.7'),
      await limitedByIp(service, '203.0.113.7'),
      await limitedByIp(service, '203.0.113.7'),
    ]).toEqual([201, 201, 429]);
    expect(await limitedByIp(service, '198.51.100.1')).toBe(201);
  });

  it('a list of trusted addresses and subnets: skips trusted hops, stops at the first untrusted one', async () => {
    const service = await startFixture('subnets', 'loopback, 10.0.0.0/8');
    expect(await clientIp(service, '198.51.100.1, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
    expect(await clientIp(service, '10.1.2.3')).toBe('10.1.2.3');
  });
});

import { Global, Injectable, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DatabasePool } from '../database/database-pool';
import { BaseServiceConfig } from '../config/base-service.config';
import { runInTransaction } from '../database/transaction-context';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { RedisConfig } from '../redis/redis.config';
import { CacheConfig } from './cache.config';
import { createTestDatabase, TEST_SERVERS, type TestDatabase, uniqueTestId, waitFor } from '../testing';
import { cacheKey } from './cache-key.template';
import { CacheEvict, Cacheable } from './cache.decorators';
import { CacheModule } from './cache.module';
import { CacheService } from './cache.service';

// @Cacheable/@CacheEvict in real Nest application contexts on real Redis and Postgres.

@Injectable()
class CatalogService {
  loads = 0;
  private readonly names = new Map<string, string>();

  @Cacheable({ key: 'item:{0}', ttlMs: 60000, tags: ['items', 'owner:{1.ownerId}'] })
  async find(id: string, _scope: { ownerId: string }): Promise<{ id: string; name: string }> {
    this.loads += 1;
    return { id, name: this.names.get(id) ?? 'initial' };
  }

  @CacheEvict({ keys: ['item:{0}'] })
  async rename(id: string, name: string): Promise<void> {
    this.names.set(id, name);
  }

  @CacheEvict({ tags: ['owner:{0}'] })
  async renameAllOf(_ownerId: string, name: string): Promise<void> {
    for (const id of this.names.keys()) this.names.set(id, name);
  }
}

const prefix = `${uniqueTestId('cachedec')}:`;
const redis = new RedisConnectionManager({
  url: TEST_SERVERS.redisUrl,
  keyPrefix: prefix,
  commandTimeoutMs: 1000,
  connectionName: 'cache-decorators-int-spec',
});
const apps: INestApplicationContext[] = [];
let database: TestDatabase;
let pool: DatabasePool;

async function createApp(serviceName: string) {
  const config = {
    serviceName,
    coordinationDriver: 'redis',
    cacheLocalMaxEntries: 100,
    cacheLocalTtlMs: 60000,
    cacheTtlJitterPercent: 10,
    cacheClusterSingleFlight: false,
    cacheLeaseMs: 2000,
    redisBreakerFailureThreshold: 3,
    redisBreakerOpenMs: 1000,
  } as unknown as BaseServiceConfig;

  @Global()
  @Module({
    providers: [
      // One object under each slice token, as InfrastructureModule provides the composed config.
      ...[BaseServiceConfig, CacheConfig, RedisConfig].map((slice) => ({ provide: slice, useValue: config })),
      { provide: RedisConnectionManager, useValue: redis },
      { provide: MetricsService, useValue: new MetricsService(serviceName) },
    ],
    exports: [BaseServiceConfig, CacheConfig, RedisConfig, RedisConnectionManager, MetricsService],
  })
  class TestInfrastructureModule {}

  @Module({ imports: [TestInfrastructureModule, CacheModule], providers: [CatalogService] })
  class TestAppModule {}

  const app = await NestFactory.createApplicationContext(TestAppModule, { logger: false });
  await app.init();
  apps.push(app);
  return { catalog: app.get(CatalogService), cache: app.get(CacheService) };
}

beforeAll(async () => {
  await waitFor(() => redis.isReady(), { description: `Redis at ${TEST_SERVERS.redisUrl}` });
  database = await createTestDatabase('device-service', { migrate: false });
  pool = DatabasePool.create({ url: database.url });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await pool?.end();
  await database?.drop();
  const keys = await redis.client.keys(`${prefix}*`);
  if (keys.length > 0) await redis.client.unlink(...keys);
  await redis.close();
});

describe('@Cacheable / @CacheEvict', () => {
  it('caches by argument template and evicts by key and by tag, with no CacheService injected', async () => {
    const { catalog, cache } = await createApp(uniqueTestId('svc'));
    const scope = { ownerId: 'o1' };
    expect(await catalog.find('a', scope)).toEqual({ id: 'a', name: 'initial' });
    await catalog.find('a', scope);
    await catalog.find('b', scope);
    expect(catalog.loads).toBe(2);
    expect(await cache.get('item:a')).toEqual({ id: 'a', name: 'initial' });

    await catalog.rename('a', 'renamed');
    expect(await cache.get('item:a')).toBeUndefined();
    expect(await cache.get('item:b')).toBeDefined();
    expect(await catalog.find('a', scope)).toEqual({ id: 'a', name: 'renamed' });
    expect(catalog.loads).toBe(3);

    // A template escapes each argument as cacheKey() does, so callers of CacheService find the entry.
    await catalog.find('with space/é:x', scope);
    expect(await cache.get(cacheKey('item', 'with space/é:x'))).toEqual({
      id: 'with space/é:x',
      name: 'initial',
    });

    await catalog.renameAllOf('o1', 'bulk');
    expect(await cache.get(cacheKey('item', 'with space/é:x'))).toBeUndefined();
    expect(await cache.get('item:a')).toBeUndefined();
    expect(await cache.get('item:b')).toBeUndefined();
  });

  it('inside a transaction, evicts only after the commit, and never on rollback', async () => {
    const { catalog, cache } = await createApp(uniqueTestId('svc'));
    const scope = { ownerId: 'o2' };
    await catalog.find('t', scope);

    await runInTransaction(pool, async () => {
      await pool.query('SELECT 1');
      await catalog.rename('t', 'committed');
      // Other requests still get the cached value until the change is visible to them.
      expect(await cache.get('item:t')).toEqual({ id: 't', name: 'initial' });
    });
    expect(await cache.get('item:t')).toBeUndefined();

    await catalog.find('t', scope);
    await expect(
      runInTransaction(pool, async () => {
        await catalog.rename('t', 'rolled back');
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await cache.get('item:t')).toEqual({ id: 't', name: 'committed' });
  });

  it('binds each application instance to its own cache and leaves instances Nest did not create uncached', async () => {
    const first = await createApp(uniqueTestId('svc'));
    const second = await createApp(uniqueTestId('svc'));
    await first.catalog.find('x', { ownerId: 'o3' });
    expect(first.cache.localSize).toBe(1);
    expect(second.cache.localSize).toBe(0);
    expect(await second.cache.get('item:x')).toBeUndefined();

    const manual = new CatalogService();
    await manual.find('x', { ownerId: 'o3' });
    await manual.find('x', { ownerId: 'o3' });
    expect(manual.loads).toBe(2);
  });
});

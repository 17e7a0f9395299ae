import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BaseServiceConfig } from '../config/base-service.config';
import { RedisConfig } from '../redis/redis.config';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { CacheExplorer } from './cache.explorer';
import { CacheConfig } from './cache.config';
import { CacheService } from './cache.service';

/**
 * Provides CacheService and binds @Cacheable/@CacheEvict methods. InfrastructureModule imports it,
 * so apps only use the decorators. With COORDINATION_DRIVER=memory the cache stays in-process.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: CacheService,
      inject: [BaseServiceConfig, CacheConfig, RedisConfig, RedisConnectionManager, MetricsService],
      useFactory: (
        service: BaseServiceConfig,
        config: CacheConfig,
        redisConfig: RedisConfig,
        redis: RedisConnectionManager | null,
        metrics: MetricsService,
      ) =>
        new CacheService({
          serviceName: service.serviceName,
          redis: redisConfig.coordinationDriver === 'redis' ? redis : null,
          metrics,
          localMaxEntries: config.cacheLocalMaxEntries,
          localTtlMs: config.cacheLocalTtlMs,
          ttlJitterPercent: config.cacheTtlJitterPercent,
          clusterSingleFlight: config.cacheClusterSingleFlight,
          leaseMs: config.cacheLeaseMs,
          breakerFailureThreshold: redisConfig.redisBreakerFailureThreshold,
          breakerOpenMs: redisConfig.redisBreakerOpenMs,
        }),
    },
    CacheExplorer,
  ],
  exports: [CacheService],
})
export class CacheModule {}

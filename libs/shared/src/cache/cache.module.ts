import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BaseServiceConfig } from '../config/base-service.config';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { CacheExplorer } from './cache.explorer';
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
      inject: [BaseServiceConfig, RedisConnectionManager, MetricsService],
      useFactory: (config: BaseServiceConfig, redis: RedisConnectionManager, metrics: MetricsService) =>
        new CacheService({
          serviceName: config.serviceName,
          redis: config.coordinationDriver === 'redis' ? redis : null,
          metrics,
          localMaxEntries: config.cacheLocalMaxEntries,
          localTtlMs: config.cacheLocalTtlMs,
          ttlJitterPercent: config.cacheTtlJitterPercent,
          clusterSingleFlight: config.cacheClusterSingleFlight,
          leaseMs: config.cacheLeaseMs,
          breakerFailureThreshold: config.redisBreakerFailureThreshold,
          breakerOpenMs: config.redisBreakerOpenMs,
        }),
    },
    CacheExplorer,
  ],
  exports: [CacheService],
})
export class CacheModule {}

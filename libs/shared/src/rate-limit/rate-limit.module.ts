import { Module } from '@nestjs/common';
import { BaseServiceConfig } from '../config/base-service.config';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RateLimitService } from './rate-limit.service';
import { RedisRateLimitStore } from './redis-rate-limit.store';

/**
 * Provides the RateLimitService with the store COORDINATION_DRIVER names (Redis, or in-process for
 * a single instance). The guard itself is registered by InfrastructureModule, after authentication.
 */
@Module({
  providers: [
    {
      provide: RateLimitService,
      inject: [BaseServiceConfig, RedisConnectionManager, MetricsService],
      useFactory: (config: BaseServiceConfig, redis: RedisConnectionManager, metrics: MetricsService) => {
        const multiInstance = config.multiInstanceSignal();
        if (config.coordinationDriver === 'memory' && multiInstance !== null) {
          throw new Error(
            `COORDINATION_DRIVER=memory keeps rate limits per process, which would multiply them across ` +
              `instances (${multiInstance}); use COORDINATION_DRIVER=redis`,
          );
        }
        return new RateLimitService({
          serviceName: config.serviceName,
          store:
            config.coordinationDriver === 'redis'
              ? new RedisRateLimitStore(redis)
              : new MemoryRateLimitStore(),
          metrics,
          writeLimit: { points: config.rateLimitWritePoints, windowMs: config.rateLimitWriteWindowMs },
          onStoreDown: config.rateLimitOnStoreDown,
          breakerFailureThreshold: config.redisBreakerFailureThreshold,
          breakerOpenMs: config.redisBreakerOpenMs,
        });
      },
    },
  ],
  exports: [RateLimitService],
})
export class RateLimitModule {}

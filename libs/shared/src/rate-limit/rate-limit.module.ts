import { Module } from '@nestjs/common';
import { BaseServiceConfig } from '../config/base-service.config';
import { RedisConfig } from '../redis/redis.config';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RateLimitConfig } from './rate-limit.config';
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
      inject: [BaseServiceConfig, RateLimitConfig, RedisConfig, RedisConnectionManager, MetricsService],
      useFactory: (
        service: BaseServiceConfig,
        config: RateLimitConfig,
        redisConfig: RedisConfig,
        redis: RedisConnectionManager | null,
        metrics: MetricsService,
      ) => {
        const multiInstance = service.multiInstanceSignal();
        if (redisConfig.coordinationDriver === 'memory' && multiInstance !== null) {
          throw new Error(
            `COORDINATION_DRIVER=memory keeps rate limits per process, which would multiply them across ` +
              `instances (${multiInstance}); use COORDINATION_DRIVER=redis`,
          );
        }
        return new RateLimitService({
          serviceName: service.serviceName,
          store:
            redisConfig.coordinationDriver === 'redis' && redis !== null
              ? new RedisRateLimitStore(redis)
              : new MemoryRateLimitStore(),
          metrics,
          writeLimit: { points: config.rateLimitWritePoints, windowMs: config.rateLimitWriteWindowMs },
          onStoreDown: config.rateLimitOnStoreDown,
          breakerFailureThreshold: redisConfig.redisBreakerFailureThreshold,
          breakerOpenMs: redisConfig.redisBreakerOpenMs,
        });
      },
    },
  ],
  exports: [RateLimitService],
})
export class RateLimitModule {}

import { EnvEnum, EnvInteger, EnvString, EnvUrl } from '../config/env-variable.decorators';

/**
 * Whether the service coordinates through Redis (locks, cron, cache, rate limits) or in memory as a
 * single instance, the Redis connection, and the breaker the cache and rate limiter put in front of it.
 */
export class RedisConfig {
  /** Not needed when COORDINATION_DRIVER=memory (standalone): nothing then connects to Redis. */
  @EnvUrl('REDIS_URL', {
    protocols: ['redis', 'rediss'],
    requiredUnless: { variable: 'COORDINATION_DRIVER', value: 'memory' },
  })
  redisUrl?: string;

  @EnvString('REDIS_KEY_PREFIX', { default: 'cloudphone:', pattern: /^[\w:.-]{1,64}$/ })
  redisKeyPrefix!: string;

  @EnvInteger('REDIS_COMMAND_TIMEOUT_MS', { default: 1000, min: 50, max: 60000 })
  redisCommandTimeoutMs!: number;

  /** Consecutive Redis errors after which the cache and the rate limiter stop calling Redis for a while. */
  @EnvInteger('REDIS_BREAKER_FAILURE_THRESHOLD', { default: 3, min: 1, max: 1000 })
  redisBreakerFailureThreshold!: number;

  /** How long the cache and rate-limit breakers stay open before probing Redis again. */
  @EnvInteger('REDIS_BREAKER_OPEN_MS', { default: 2000, min: 50, max: 600000 })
  redisBreakerOpenMs!: number;

  /** `memory` keeps locks, cron state, cache and rate limits in this process (one instance only). */
  @EnvEnum('COORDINATION_DRIVER', ['redis', 'memory'] as const, { default: 'redis' })
  coordinationDriver!: 'redis' | 'memory';
}

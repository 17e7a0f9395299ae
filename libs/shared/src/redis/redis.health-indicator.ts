import type { HealthIndicator } from '../health/health-indicator';
import type { RedisConnectionManager } from './redis-connection.manager';

/** Readiness probe: a PING on the command connection. */
export class RedisHealthIndicator implements HealthIndicator {
  readonly name = 'redis';

  constructor(private readonly redis: RedisConnectionManager) {}

  async check(): Promise<void> {
    await this.redis.ping();
  }
}

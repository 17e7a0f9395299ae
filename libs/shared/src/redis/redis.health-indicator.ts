import type { RedisConnectionManager } from './redis-connection.manager';

/** Readiness probe: a PING on the command connection (a HealthIndicator by shape; src/health is a layer up). */
export class RedisHealthIndicator {
  readonly name = 'redis';

  constructor(private readonly redis: RedisConnectionManager) {}

  async check(): Promise<void> {
    await this.redis.ping();
  }
}

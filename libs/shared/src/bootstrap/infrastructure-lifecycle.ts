import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PostgresHealthIndicator } from '../database/postgres.health-indicator';
import { HealthService } from '../health/health.service';
import { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { RabbitMqHealthIndicator } from '../messaging/rabbitmq.health-indicator';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { RedisHealthIndicator } from '../redis/redis.health-indicator';

/**
 * Wires readiness checks at boot and closes the Redis and RabbitMQ connections last at shutdown;
 * a connection the process does not use (standalone) is neither checked nor closed.
 */
@Injectable()
export class InfrastructureLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly health: HealthService,
    private readonly postgres: PostgresHealthIndicator,
    // Null in the standalone mode (COORDINATION_DRIVER=memory, EVENTS_TRANSPORT=memory).
    @Inject(RedisConnectionManager) private readonly redis: RedisConnectionManager | null,
    @Inject(RabbitMqConnectionManager) private readonly rabbitmq: RabbitMqConnectionManager | null,
  ) {}

  onApplicationBootstrap(): void {
    this.health.register(this.postgres);
    if (this.redis) this.health.register(new RedisHealthIndicator(this.redis));
    if (this.rabbitmq) this.health.register(new RabbitMqHealthIndicator(this.rabbitmq));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.redis?.close(), this.rabbitmq?.close()]);
  }
}

import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PostgresHealthIndicator } from '../database/postgres.health-indicator';
import { HealthService } from '../health/health.service';
import { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { RabbitMqHealthIndicator } from '../messaging/rabbitmq.health-indicator';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { RedisHealthIndicator } from '../redis/redis.health-indicator';

/** Wires readiness checks at boot and closes the Redis and RabbitMQ connections last at shutdown. */
@Injectable()
export class InfrastructureLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly health: HealthService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly redis: RedisConnectionManager,
    private readonly rabbitmq: RabbitMqConnectionManager,
  ) {}

  onApplicationBootstrap(): void {
    this.health.register(this.postgres);
    this.health.register(new RedisHealthIndicator(this.redis));
    this.health.register(new RabbitMqHealthIndicator(this.rabbitmq));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.redis.close(), this.rabbitmq.close()]);
  }
}

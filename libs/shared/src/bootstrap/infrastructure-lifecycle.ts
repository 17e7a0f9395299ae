import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BaseServiceConfig } from '../config/base-service.config';
import { PostgresHealthIndicator } from '../database/postgres.health-indicator';
import { EventLoopHealthIndicator } from '../health/event-loop.health-indicator';
import { HealthService } from '../health/health.service';
import { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { RabbitMqHealthIndicator } from '../messaging/rabbitmq.health-indicator';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { RedisHealthIndicator } from '../redis/redis.health-indicator';

/**
 * Wires readiness checks at boot and closes the Redis and RabbitMQ connections last at shutdown;
 * a connection the process does not use (standalone) is neither checked nor closed. Readiness
 * requires the process's own database and a live event loop; Redis and RabbitMQ only degrade it
 * unless READINESS_STRICT is set (docs/deployment.md, "Readiness").
 */
@Injectable()
export class InfrastructureLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private eventLoop: EventLoopHealthIndicator | null = null;

  constructor(
    private readonly health: HealthService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly config: BaseServiceConfig,
    private readonly metrics: MetricsService,
    // Null in the standalone mode (COORDINATION_DRIVER=memory, EVENTS_TRANSPORT=memory).
    @Inject(RedisConnectionManager) private readonly redis: RedisConnectionManager | null,
    @Inject(RabbitMqConnectionManager) private readonly rabbitmq: RabbitMqConnectionManager | null,
  ) {}

  onApplicationBootstrap(): void {
    const shared = { required: this.config.readinessStrict };
    this.health.register(this.postgres);
    if (this.config.readinessMaxEventLoopDelayMs > 0) {
      this.eventLoop = new EventLoopHealthIndicator(this.config.readinessMaxEventLoopDelayMs);
      this.health.register(this.eventLoop);
    }
    if (this.redis) this.health.register(new RedisHealthIndicator(this.redis), shared);
    if (this.rabbitmq) this.health.register(new RabbitMqHealthIndicator(this.rabbitmq), shared);
    this.registerDependencyGauge();
  }

  async onApplicationShutdown(): Promise<void> {
    this.eventLoop?.stop();
    await Promise.all([this.redis?.close(), this.rabbitmq?.close()]);
  }

  /** Probed at scrape time, so the value is current even where nothing calls /health/ready (PM2). */
  private registerDependencyGauge(): void {
    const health = this.health;
    this.metrics.gauge({
      name: 'cloudphone_dependency_up',
      help: '1 when a dependency answers its health check, else 0; required="false" ones only degrade the process',
      labelNames: ['dependency', 'required'],
      async collect() {
        for (const [dependency, check] of Object.entries(await health.dependencies())) {
          this.set({ dependency, required: String(check.required) }, check.status === 'up' ? 1 : 0);
        }
      },
    });
  }
}

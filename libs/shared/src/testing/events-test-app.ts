import { type INestApplicationContext, type LogLevel, Module, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { EventPayloadClasses } from '@cloudphone/contracts';
import { TransactionRunner } from '../database/transaction-runner';
import { InfrastructureModule } from '../bootstrap/infrastructure.module';
import { PlatformServiceConfig } from '../bootstrap/platform-service.config';
import { loadConfig } from '../config/config-loader';
import { EventPublisher } from '../events/event-publisher.service';
import { EventsMaintenanceService } from '../events/events-maintenance.service';
import { OutboxRelay } from '../events/outbox-relay.service';
import { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { MetricsService } from '../metrics/metrics.service';
import { serviceEnvironment } from './service-environment';

export interface EventsTestAppOptions {
  serviceName: string;
  databaseUrl: string;
  /** Shared by every app (and the test's observer) that must see the same exchange and queues. */
  messagingNamespace: string;
  /** Providers with `@OnEvent` handlers. */
  providers?: Provider[];
  /** Payload classes of the test's own event types (InfrastructureModule's `eventPayloads`). */
  eventPayloads?: EventPayloadClasses;
  /** Extra environment, e.g. RABBITMQ_URL through a TcpProxy or small retry delays. */
  env?: Record<string, string>;
  /** Nest log levels to print (default none; EVENTS_TEST_LOGS=1 prints warnings and errors). */
  logLevels?: LogLevel[];
}

/**
 * A Nest application context (no HTTP) with the real InfrastructureModule, for tests of the events
 * runtime: publisher, relay and consumers against real Postgres and RabbitMQ.
 */
export class EventsTestApp {
  private constructor(readonly app: INestApplicationContext) {}

  static async start(options: EventsTestAppOptions): Promise<EventsTestApp> {
    const env = {
      ...serviceEnvironment({
        databaseUrl: options.databaseUrl,
        messagingNamespace: options.messagingNamespace,
      }),
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const serviceName = options.serviceName;
    class TestServiceConfig extends PlatformServiceConfig {
      readonly serviceName = serviceName;
    }
    const config = loadConfig(TestServiceConfig, env);

    @Module({ providers: options.providers ?? [] })
    class HandlersModule {}

    const verbose = process.env.EVENTS_TEST_LOGS === '1';
    const app = await NestFactory.createApplicationContext(
      {
        module: HandlersModule,
        imports: [InfrastructureModule.forRoot({ config, eventPayloads: options.eventPayloads })],
        global: false,
      },
      { logger: options.logLevels ?? (verbose ? ['error', 'warn', 'log'] : false) },
    );
    return new EventsTestApp(app);
  }

  get publisher(): EventPublisher {
    return this.app.get(EventPublisher);
  }

  get relay(): OutboxRelay {
    return this.app.get(OutboxRelay);
  }

  get maintenance(): EventsMaintenanceService {
    return this.app.get(EventsMaintenanceService);
  }

  get rabbitmq(): RabbitMqConnectionManager {
    return this.app.get(RabbitMqConnectionManager);
  }

  get transactions(): TransactionRunner {
    return this.app.get(TransactionRunner);
  }

  /** Sum of a counter's values whose labels include `labels`. */
  async counter(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.app.get(MetricsService).registry.getSingleMetric(name);
    if (!metric) return 0;
    const { values } = await metric.get();
    return values
      .filter((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected))
      .reduce((sum, value) => sum + value.value, 0);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

import {
  type DynamicModule,
  Global,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { EventPayloadClasses } from '@cloudphone/contracts';
import { API_KEY_VERIFIER } from '../auth/api-key-verifier';
import { AuthenticationGuard } from '../auth/authentication.guard';
import { TokenService } from '../auth/token.service';
import { CacheModule } from '../cache/cache.module';
import { BaseServiceConfig } from '../config/base-service.config';
import { CoordinationModule } from '../cron/coordination.module';
import type { CronClock } from '../cron/cron.types';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { CommonErrors } from '../errors/common.errors';
import { isDatabaseUnavailable } from '../database/database-outage';
import { createValidationPipe } from '../errors/validation-pipe.factory';
import { DatabaseModule } from '../database/database.module';
import { EventsModule } from '../events/events.module';
import { HealthController } from './health.controller';
import { HealthService } from '../health/health.service';
import { HttpClientModule } from '../http/http-client.module';
import { HttpClientRegistry } from '../http/http-client.registry';
import { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { remoteApiKeyVerifier } from '../platform-clients/api-key-introspection.client';
import { MetricsController } from './metrics.controller';
import { MetricsService } from '../metrics/metrics.service';
import { recordBuildInfo } from '../metrics/build-info.metric';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { InfrastructureLifecycle } from './infrastructure-lifecycle';
import { PLATFORM_CONFIG_SLICES, type PlatformServiceConfig } from './platform-service.config';

export interface InfrastructureModuleOptions {
  config: PlatformServiceConfig;
  /** The cron scheduler's clock (default: the system clock); tests inject a skewed one. */
  clock?: CronClock;
  /**
   * Event payload classes beyond DOMAIN_EVENT_PAYLOADS, merged over it type by type: what the
   * publisher and the consumer accept for types that are not domain events (e.g. in tests).
   */
  eventPayloads?: EventPayloadClasses;
  /**
   * Verifies API keys in this process instead of asking user-service over HTTP: for user-service
   * itself, which owns the keys. `useExisting` names an ApiKeyVerifier exported by one of `imports`.
   */
  localApiKeyVerifier?: { imports: NonNullable<ModuleMetadata['imports']>; useExisting: InjectionToken };
}

/**
 * Everything a service needs before its own modules: typed config, Postgres (TypeORM for the pool
 * and transactions; repositories reach it through SqlClient and TransactionRunner), Redis, RabbitMQ,
 * metrics, tokens, health, the global guard, pipe and filter, and coordination (distributed lock,
 * cluster-safe cron, `/internal/cron`).
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot({
    config,
    clock,
    eventPayloads,
    localApiKeyVerifier,
  }: InfrastructureModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: BaseServiceConfig, useValue: config },
      // Each capability injects its own slice; they are all this one object.
      ...PLATFORM_CONFIG_SLICES.map((slice) => ({ provide: slice, useValue: config })),
      { provide: config.constructor, useValue: config },
      {
        provide: MetricsService,
        useFactory: () => {
          const metrics = new MetricsService(config.serviceName);
          recordBuildInfo(metrics, { version: config.buildVersion, revision: config.buildRevision });
          return metrics;
        },
      },
      {
        provide: TokenService,
        useFactory: () => new TokenService(config.jwtSecret, config.serviceTokenSecret, config.serviceName),
      },
      // Null when the process coordinates in memory or publishes on the in-process bus (standalone):
      // then nothing connects to Redis or RabbitMQ at all.
      {
        provide: RedisConnectionManager,
        useFactory: () =>
          config.coordinationDriver === 'memory' || config.redisUrl === undefined
            ? null
            : new RedisConnectionManager({
                url: config.redisUrl,
                keyPrefix: config.redisKeyPrefix,
                commandTimeoutMs: config.redisCommandTimeoutMs,
                connectionName: `${config.serviceName}:${config.instanceId}`,
              }),
      },
      {
        provide: RabbitMqConnectionManager,
        useFactory: () => {
          if (config.eventsTransport === 'memory' || config.rabbitmqUrls === undefined) return null;
          const manager = new RabbitMqConnectionManager({
            urls: config.rabbitmqUrls,
            connectionName: `${config.serviceName}:${config.instanceId}`,
          });
          manager.start();
          return manager;
        },
      },
      { provide: HealthService, useFactory: () => new HealthService(config.healthCheckTimeoutMs) },
      InfrastructureLifecycle,
      localApiKeyVerifier
        ? { provide: API_KEY_VERIFIER, useExisting: localApiKeyVerifier.useExisting }
        : {
            provide: API_KEY_VERIFIER,
            inject: [HttpClientRegistry, MetricsService],
            useFactory: (registry: HttpClientRegistry, metrics: MetricsService) =>
              remoteApiKeyVerifier(registry, metrics, config),
          },
      { provide: APP_GUARD, useClass: AuthenticationGuard },
      // After authentication, so limits `by: 'user'` see the principal.
      { provide: APP_GUARD, useClass: RateLimitGuard },
      {
        provide: APP_FILTER,
        useFactory: () =>
          new AllExceptionsFilter((error) =>
            isDatabaseUnavailable(error) ? CommonErrors.databaseUnavailable() : null,
          ),
      },
      { provide: APP_PIPE, useFactory: createValidationPipe },
    ];
    return {
      module: InfrastructureModule,
      imports: [
        DatabaseModule.forRoot({
          url: config.databaseUrl,
          poolSize: config.databasePoolSize,
          applicationName: `${config.serviceName}:${config.instanceId}`,
          statementTimeoutMs: config.databaseStatementTimeoutMs,
        }),
        HttpClientModule.forRoot(config),
        EventsModule.forRoot({ payloads: eventPayloads }),
        CacheModule,
        RateLimitModule,
        CoordinationModule.forRoot({ config, clock }),
        ...(localApiKeyVerifier?.imports ?? []),
      ],
      controllers: [HealthController, MetricsController],
      providers,
      exports: [
        BaseServiceConfig,
        ...PLATFORM_CONFIG_SLICES,
        config.constructor,
        MetricsService,
        TokenService,
        // The guard's API key verifier (and its cache), for transports that authenticate outside HTTP.
        API_KEY_VERIFIER,
        RedisConnectionManager,
        RabbitMqConnectionManager,
        HealthService,
        HttpClientModule,
        CacheModule,
        CoordinationModule,
      ],
    };
  }
}

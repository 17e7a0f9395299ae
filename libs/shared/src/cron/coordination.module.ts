import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { BaseServiceConfig } from '../config/base-service.config';
import type { RedisConfig } from '../redis/redis.config';
import { DistributedLockService, LOCK_DRIVER } from '../lock/distributed-lock.service';
import { InProcessLockDriver } from '../lock/in-process-lock.driver';
import { LockDecoratorBinder } from '../lock/lock-decorator.binder';
import { RedisLockDriver } from '../lock/redis-lock.driver';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { CronAdminService } from './cron-admin.service';
import type { CronConfig } from './cron.config';
import { CronController } from './cron.controller';
import { CronJobExplorer } from './cron-job.explorer';
import { CRON_CLOCK, CRON_STATE_STORE, CronRunner } from './cron-runner.service';
import { CronScheduler } from './cron-scheduler.service';
import { type CronClock, SYSTEM_CLOCK } from './cron.types';
import { InProcessCronStateStore } from './in-process-cron-state.store';
import { RedisCronStateStore } from './redis-cron-state.store';

export interface CoordinationModuleOptions {
  config: BaseServiceConfig & RedisConfig & CronConfig;
  /** The cron scheduler's clock; tests inject a skewed one. */
  clock?: CronClock;
}

/**
 * Distributed lock, @Lock binding, the cluster-safe cron scheduler and `/internal/cron`, on the
 * driver COORDINATION_DRIVER names. Imported by InfrastructureModule, so every app has it. The
 * in-process driver is built right here, so a multi-instance process refuses it before booting.
 */
@Module({})
export class CoordinationModule {
  static forRoot({ config, clock }: CoordinationModuleOptions): DynamicModule {
    const drivers: Provider[] =
      config.coordinationDriver === 'memory'
        ? [
            { provide: LOCK_DRIVER, useValue: new InProcessLockDriver(config.multiInstanceSignal()) },
            {
              provide: CRON_STATE_STORE,
              useValue: new InProcessCronStateStore(config.multiInstanceSignal(), config.cronHistorySize),
            },
          ]
        : [
            {
              provide: LOCK_DRIVER,
              useFactory: (redis: RedisConnectionManager) => new RedisLockDriver(redis),
              inject: [RedisConnectionManager],
            },
            {
              provide: CRON_STATE_STORE,
              useFactory: (redis: RedisConnectionManager) =>
                new RedisCronStateStore(redis, config.serviceName, config.cronHistorySize),
              inject: [RedisConnectionManager],
            },
          ];
    return {
      module: CoordinationModule,
      imports: [DiscoveryModule],
      controllers: [CronController],
      providers: [
        ...drivers,
        { provide: CRON_CLOCK, useValue: clock ?? SYSTEM_CLOCK },
        DistributedLockService,
        LockDecoratorBinder,
        CronRunner,
        CronScheduler,
        CronJobExplorer,
        CronAdminService,
      ],
      exports: [DistributedLockService, CronScheduler, CronAdminService],
    };
  }
}

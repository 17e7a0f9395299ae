import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { BaseServiceConfig } from '../config/base-service.config';
import { CronConfig } from './cron.config';
import { clusterSafeCronMetadata } from './cluster-safe-cron.decorator';
import { CronErrors } from './cron.errors';
import { applyCronScheduleOverrides } from './cron-schedule.overrides';
import { CronScheduler } from './cron-scheduler.service';
import type { CronJobDefinition, CronRunContext } from './cron.types';

const DEFAULT_MAX_RUN_MS = 10 * 60_000;

/**
 * Finds every @ClusterSafeCron method on the app's providers at boot (as @nestjs/schedule's
 * explorer does), applies CRON_SCHEDULE_OVERRIDES, and registers each job with the scheduler,
 * bound to its provider instance.
 */
@Injectable()
export class CronJobExplorer implements OnModuleInit {
  private readonly logger = new Logger('CronJobExplorer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly metadataScanner: MetadataScanner,
    private readonly scheduler: CronScheduler,
    private readonly service: BaseServiceConfig,
    private readonly config: CronConfig,
  ) {}

  onModuleInit(): void {
    const jobs = applyCronScheduleOverrides(
      this.discover(),
      this.config.cronScheduleOverrides,
      this.service.serviceName,
    );
    for (const job of jobs) {
      if (job.override) {
        this.logger.warn({
          msg: 'cron schedule overridden by CRON_SCHEDULE_OVERRIDES',
          job: job.name,
          override: job.override.entry,
          declaredExpression: job.override.declaredExpression,
        });
      }
      this.scheduler.register(job);
    }
  }

  private discover(): CronJobDefinition[] {
    const definitions: CronJobDefinition[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || wrapper.isAlias) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.metadataScanner.getAllMethodNames(prototype)) {
        const handler = (instance as Record<string, unknown>)[method];
        const metadata = clusterSafeCronMetadata(handler);
        if (!metadata) continue;
        const handlerName = `${instance.constructor.name}.${method}`;
        if (!wrapper.isDependencyTreeStatic()) {
          throw CronErrors.invalidDefinition(
            handlerName,
            'the provider must be a singleton (not request or transient scoped)',
          );
        }
        const { options } = metadata;
        definitions.push({
          name: options.name ?? handlerName,
          expression: metadata.expression,
          timeZone: options.timeZone ?? 'UTC',
          maxRunMs: options.maxRunMs ?? DEFAULT_MAX_RUN_MS,
          minHoldMs: options.minHoldMs ?? 0,
          overlap: options.overlap ?? 'skip',
          catchUp: options.catchUp ?? false,
          jitterMs: options.jitterMs ?? 0,
          handlerName,
          handler: async (context: CronRunContext) =>
            (handler as (context: CronRunContext) => unknown).call(instance, context),
        });
      }
    }
    return definitions;
  }
}

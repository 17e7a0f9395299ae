import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { clusterSafeCronMetadata } from './cluster-safe-cron.decorator';
import { CronErrors } from './cron.errors';
import { CronScheduler } from './cron-scheduler.service';
import type { CronRunContext } from './cron.types';

const DEFAULT_MAX_RUN_MS = 10 * 60_000;

/**
 * Finds every @ClusterSafeCron method on the app's providers at boot (as @nestjs/schedule's
 * explorer does) and registers it with the scheduler, bound to its provider instance.
 */
@Injectable()
export class CronJobExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly metadataScanner: MetadataScanner,
    private readonly scheduler: CronScheduler,
  ) {}

  onModuleInit(): void {
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
        this.scheduler.register({
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
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { bindCacheService, CACHE_DECORATED_CLASS } from './cache.decorators';
import { CacheService } from './cache.service';

/**
 * Binds every provider and controller instance whose class uses @Cacheable/@CacheEvict to this
 * application's CacheService at boot, as @nestjs/schedule discovers @Cron methods. Chosen over a
 * process-wide accessor so two applications in one process (tests, tools) never share a cache,
 * and over re-wrapping instance methods so controllers work too (Nest captures route handlers
 * before onModuleInit).
 */
@Injectable()
export class CacheExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly cache: CacheService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      if (Reflect.getMetadata(CACHE_DECORATED_CLASS, instance.constructor))
        bindCacheService(instance, this.cache);
    }
  }
}

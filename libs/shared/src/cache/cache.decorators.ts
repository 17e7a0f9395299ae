import { Logger } from '@nestjs/common';
import { afterCommit } from '../database/transaction-context';
import { cacheNameOf, type CacheKeyTemplate, compileKeyTemplate } from './cache-key.template';
import type { CacheService } from './cache.service';

export interface CacheableOptions {
  /** `'devices:available'`, `'quota:{0}'`, `'allocation:{0.id}'` or a function of the arguments. */
  key: CacheKeyTemplate;
  ttlMs: number;
  /** Tags (templates too) that @CacheEvict({tags}) or CacheService.invalidateTags can drop at once. */
  tags?: CacheKeyTemplate[];
  /** One loader across all replicas; defaults to CACHE_CLUSTER_SINGLE_FLIGHT. */
  lease?: boolean;
}

export interface CacheEvictOptions {
  keys?: CacheKeyTemplate[];
  tags?: CacheKeyTemplate[];
}

/** Marks a class whose methods the CacheExplorer must bind to the application's CacheService. */
export const CACHE_DECORATED_CLASS = Symbol('cloudphone:cache-decorated-class');

type AsyncMethod = (...args: never[]) => Promise<unknown>;

// Instance → the CacheService of the application that created it (set at boot by CacheExplorer).
// Keyed per instance, not global, so several applications in one process each use their own cache.
const boundCaches = new WeakMap<object, CacheService>();
const warnedUnbound = new Set<string>();
const logger = new Logger('Cache');

/** Called by the CacheExplorer for every provider and controller with decorated methods. */
export function bindCacheService(instance: object, cache: CacheService): void {
  boundCaches.set(instance, cache);
}

/**
 * Caches an async method's result under a key built from its arguments. The decorated class needs
 * no injection: the method is wrapped here, and at boot the CacheExplorer binds every instance
 * Nest creates to the application's CacheService. On an instance Nest did not create (a unit test's
 * `new Service()`), the method runs uncached.
 */
export function Cacheable(options: CacheableOptions) {
  const key = compileKeyTemplate(options.key);
  const tags = (options.tags ?? []).map(compileKeyTemplate);
  if (typeof options.key === 'string' && cacheNameOf(options.key).includes('{')) {
    throw new Error(`Cache key "${options.key}": start with a fixed segment (it names the cache in metrics)`);
  }
  if (!(options.ttlMs > 0)) throw new Error(`Cache key "${String(options.key)}": ttlMs must be positive`);
  return <T extends AsyncMethod>(
    target: object,
    property: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ) => {
    const original = methodOf(descriptor, property);
    descriptor.value = wrapMethod(target, original, function (this: object, args: unknown[]) {
      const cache = boundCaches.get(this);
      if (!cache) return warnUnbound(target, property, () => original.apply(this, args as never[]));
      return cache.wrap(key(args), () => original.apply(this, args as never[]), {
        ttlMs: options.ttlMs,
        tags: tags.map((tag) => tag(args)),
        lease: options.lease,
      });
    });
  };
}

/**
 * Evicts keys and tags (templates over the arguments) after the method succeeds; inside
 * `runInTransaction` the eviction waits for the commit (and never happens on rollback).
 */
export function CacheEvict(options: CacheEvictOptions) {
  const keys = (options.keys ?? []).map(compileKeyTemplate);
  const tags = (options.tags ?? []).map(compileKeyTemplate);
  if (keys.length === 0 && tags.length === 0) throw new Error('@CacheEvict needs keys or tags');
  return <T extends AsyncMethod>(
    target: object,
    property: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ) => {
    const original = methodOf(descriptor, property);
    descriptor.value = wrapMethod(target, original, async function (this: object, args: unknown[]) {
      const result = await original.apply(this, args as never[]);
      const cache = boundCaches.get(this);
      if (!cache) return warnUnbound(target, property, () => result);
      const evicted = { keys: keys.map((key) => key(args)), tags: tags.map((tag) => tag(args)) };
      await afterCommit(() => cache.evict(evicted));
      return result;
    });
  };
}

function wrapMethod<T extends AsyncMethod>(
  target: object,
  original: T,
  body: (this: object, args: unknown[]) => Promise<unknown>,
): T {
  const wrapped = function (this: object, ...args: unknown[]) {
    return body.call(this, args);
  };
  // Keep Nest's route, guard and Swagger metadata that decorators applied before this one.
  for (const metadataKey of Reflect.getMetadataKeys(original)) {
    Reflect.defineMetadata(metadataKey, Reflect.getMetadata(metadataKey, original), wrapped);
  }
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Reflect.defineMetadata(CACHE_DECORATED_CLASS, true, target.constructor);
  return wrapped as unknown as T;
}

function methodOf<T>(descriptor: TypedPropertyDescriptor<T>, property: string | symbol): T {
  if (typeof descriptor.value !== 'function')
    throw new Error(`${String(property)}: cache decorators apply to methods`);
  return descriptor.value;
}

function warnUnbound<R>(target: object, property: string | symbol, run: () => R): R {
  const method = `${target.constructor.name}.${String(property)}`;
  if (!warnedUnbound.has(method)) {
    warnedUnbound.add(method);
    logger.warn({ msg: 'cache decorator on an instance Nest did not create; running uncached', method });
  }
  return run();
}

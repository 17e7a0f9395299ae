export { CacheEvict, Cacheable } from './cache.decorators';
export type { CacheEvictOptions, CacheableOptions } from './cache.decorators';
export { cacheKey, sanitizeCacheKey } from './cache-key.template';
export type { CacheKeyTemplate } from './cache-key.template';
export { CacheModule } from './cache.module';
export { CacheService } from './cache.service';
export type { CacheServiceOptions, CacheSetOptions, CacheWrapOptions } from './cache.service';
export { CacheConfig } from './cache.config';

export { CacheEvict, Cacheable } from './cache.decorators';
export { cacheKey } from './cache-key.template';
export { CacheService } from './cache.service';

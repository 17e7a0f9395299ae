export { RateLimit, SkipRateLimit } from './rate-limit.decorators';
export type { RateLimitOptions } from './rate-limit.decorators';
export { RateLimitService } from './rate-limit.service';
export { RedisRateLimitStore } from './redis-rate-limit.store';

import { EnvEnum, EnvInteger } from '../config/env-variable.decorators';

/** Default limits of the rate limiter and what it does when Redis is down. */
export class RateLimitConfig {
  /** Default limit on every write route (POST/PUT/PATCH/DELETE) per caller; 0 turns it off. */
  @EnvInteger('RATE_LIMIT_WRITE_POINTS', { default: 120, min: 0, max: 1000000 })
  rateLimitWritePoints!: number;

  @EnvInteger('RATE_LIMIT_WRITE_WINDOW_MS', { default: 60000, min: 100, max: 86400000 })
  rateLimitWriteWindowMs!: number;

  /** What a limit without its own `onStoreDown` does when Redis is unreachable. */
  @EnvEnum('RATE_LIMIT_ON_STORE_DOWN', ['open', 'closed'] as const, { default: 'open' })
  rateLimitOnStoreDown!: 'open' | 'closed';
}

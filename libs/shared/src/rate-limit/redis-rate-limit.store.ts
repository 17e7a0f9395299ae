import { randomBytes } from 'node:crypto';
import type { RedisConnectionManager, RedisScript } from '../redis/redis-connection.manager';
import type { RateLimitCheck, RateLimitStore, RateLimitVerdict } from './rate-limit.store';
import { SLIDING_WINDOW_SCRIPT } from './sliding-window.script';

/** The shared store: one EVALSHA per request checks and commits every limit of the route at once. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly script: RedisScript;
  private readonly memberPrefix = randomBytes(6).toString('hex');
  private sequence = 0;

  constructor(private readonly redis: RedisConnectionManager) {
    this.script = redis.defineScript('rateLimitSlidingWindow', SLIDING_WINDOW_SCRIPT);
  }

  /** The Redis key for a limit key built by the RateLimitService. */
  redisKey(key: string): string {
    return this.redis.key('ratelimit', key);
  }

  async consume(checks: readonly RateLimitCheck[]): Promise<RateLimitVerdict> {
    this.sequence = (this.sequence + 1) % Number.MAX_SAFE_INTEGER;
    const args: Array<string | number> = [`${this.memberPrefix}:${this.sequence.toString(36)}`];
    for (const check of checks) args.push(check.points, Math.ceil(check.windowMs));
    const reply = (await this.script.run(
      checks.map((check) => this.redisKey(check.key)),
      args,
    )) as number[];
    return {
      allowed: reply[0] === 1,
      retryAfterMs: reply[1],
      states: checks.map((check, index) => ({
        limit: check.points,
        remaining: reply[2 + 2 * index],
        resetMs: reply[3 + 2 * index],
      })),
    };
  }
}

import type { RedisConnectionManager, RedisScript } from '../redis/redis-connection.manager';
import type { LockDriver } from './lock.types';

// Fencing token: a per-resource counter, one INCR on the hot path. A new counter (first use, or
// after its retention lapsed or Redis lost it) starts from Redis TIME in µs, which is past every
// token issued before (at most one per µs), so tokens still only ever increase.
const ACQUIRE = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local remaining = redis.call('PTTL', KEYS[1])
  if remaining < 1 then remaining = 1 end
  return -remaining
end
local fence = redis.call('INCR', KEYS[2])
if fence == 1 then
  local now = redis.call('TIME')
  fence = tonumber(now[1]) * 1000000 + tonumber(now[2])
  redis.call('SET', KEYS[2], string.format('%.0f', fence), 'PX', ARGV[3])
end
return fence
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

const FENCE_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Locks as Redis keys with a PX expiry, so expiry follows Redis's clock only. Each operation is one
 * atomic script call; ownership is checked against the random token inside the script.
 */
export class RedisLockDriver implements LockDriver {
  readonly kind = 'redis';
  private readonly acquireScript: RedisScript<number>;
  private readonly releaseScript: RedisScript<number>;
  private readonly extendScript: RedisScript<number>;

  constructor(private readonly redis: RedisConnectionManager) {
    this.acquireScript = redis.defineScript('cloudphoneLockAcquire', ACQUIRE);
    this.releaseScript = redis.defineScript('cloudphoneLockRelease', RELEASE);
    this.extendScript = redis.defineScript('cloudphoneLockExtend', EXTEND);
  }

  acquire(resource: string, token: string, ttlMs: number): Promise<number> {
    return this.acquireScript.run(
      [this.lockKey(resource), this.fenceKey(resource)],
      [token, ttlMs, FENCE_RETENTION_MS],
    );
  }

  async release(resource: string, token: string): Promise<boolean> {
    return (await this.releaseScript.run([this.lockKey(resource)], [token])) === 1;
  }

  async extend(resource: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.extendScript.run([this.lockKey(resource)], [token, ttlMs])) === 1;
  }

  // The hash tag keeps a lock and its fence counter in one slot should Redis ever be clustered.
  private lockKey(resource: string): string {
    return this.redis.key('lock', `{${resource}}`);
  }

  private fenceKey(resource: string): string {
    return this.redis.key('lock', `{${resource}}`, 'fence');
  }
}

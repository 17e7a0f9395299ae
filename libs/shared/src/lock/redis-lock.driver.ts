import type { RedisConnectionManager, RedisScript } from '../redis/redis-connection.manager';
import type { LockDriver } from './lock.types';

// The fencing token is max(previous + 1, Redis TIME in µs): strictly increasing per resource, and
// still increasing if the counter key is ever lost (expired, Redis restarted without persistence).
const ACQUIRE = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local remaining = redis.call('PTTL', KEYS[1])
  if remaining < 1 then remaining = 1 end
  return -remaining
end
local now = redis.call('TIME')
local fence = tonumber(now[1]) * 1000000 + tonumber(now[2])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if last >= fence then fence = last + 1 end
redis.call('SET', KEYS[2], string.format('%.0f', fence), 'PX', ARGV[3])
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
    this.acquireScript = redis.defineScript('cloudphoneLockAcquire', ACQUIRE, 2);
    this.releaseScript = redis.defineScript('cloudphoneLockRelease', RELEASE, 1);
    this.extendScript = redis.defineScript('cloudphoneLockExtend', EXTEND, 1);
  }

  acquire(resource: string, token: string, ttlMs: number): Promise<number> {
    return this.acquireScript(
      [this.lockKey(resource), this.fenceKey(resource)],
      [token, ttlMs, FENCE_RETENTION_MS],
    );
  }

  async release(resource: string, token: string): Promise<boolean> {
    return (await this.releaseScript([this.lockKey(resource)], [token])) === 1;
  }

  async extend(resource: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.extendScript([this.lockKey(resource)], [token, ttlMs])) === 1;
  }

  // The hash tag keeps a lock and its fence counter in one slot should Redis ever be clustered.
  private lockKey(resource: string): string {
    return this.redis.key('lock', `{${resource}}`);
  }

  private fenceKey(resource: string): string {
    return this.redis.key('lock', `{${resource}}`, 'fence');
  }
}

import type { RedisConnectionManager } from '@cloudphone/shared';
import { LocalPushFanout } from './local-push.fanout';
import type { PushFanout } from './push-fanout';
import { RedisPushFanout } from './redis-push.fanout';

/**
 * Redis pub/sub when the process coordinates through Redis (every multi-instance deployment);
 * the process itself when it has no Redis connection (COORDINATION_DRIVER=memory: one instance).
 */
export function createPushFanout(redis: RedisConnectionManager | null): PushFanout {
  return redis ? new RedisPushFanout(redis) : new LocalPushFanout();
}

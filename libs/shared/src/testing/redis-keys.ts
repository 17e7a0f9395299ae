import Redis from 'ioredis';
import { TEST_SERVERS } from './test-servers';

/** Deletes every key starting with `prefix` from the test Redis (a test run's own namespace). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_SERVERS.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

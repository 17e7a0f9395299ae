export { RedisConnectionManager } from './redis-connection.manager';
export type { RedisConnectionOptions, RedisScript } from './redis-connection.manager';
export { RedisHealthIndicator } from './redis.health-indicator';

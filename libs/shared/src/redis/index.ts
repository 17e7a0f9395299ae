export { RedisConnectionManager } from './redis-connection.manager';
export type { RedisConnectionOptions, RedisScript } from './redis-connection.manager';
export { RedisCircuitBreaker } from './redis-circuit-breaker';
export type { RedisCircuitState, RedisCircuitBreakerOptions } from './redis-circuit-breaker';
export { RedisHealthIndicator } from './redis.health-indicator';
export { RedisConfig } from './redis.config';

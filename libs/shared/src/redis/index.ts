export { RedisConnectionManager } from './redis-connection.manager';

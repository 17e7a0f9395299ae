import { hostname } from 'node:os';
import { EnvBoolean, EnvEnum, EnvInteger, EnvString, EnvUrl } from './env-variable.decorators';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Settings every service shares. Each app extends it with its own class; the app's main.ts is the
 * only place that reads process.env (through loadConfig).
 */
export abstract class BaseServiceConfig {
  /** Logical service name, e.g. `device-service`; set by each app's subclass. */
  abstract readonly serviceName: string;

  @EnvString('HOST', { default: '0.0.0.0' })
  host!: string;

  @EnvString('INSTANCE_ID', { default: `${hostname()}-${process.pid}`, pattern: /^[\w.:-]{1,128}$/ })
  instanceId!: string;

  @EnvEnum('LOG_LEVEL', LOG_LEVELS, { default: 'info' })
  logLevel!: LogLevel;

  @EnvUrl('DATABASE_URL', { protocols: ['postgres', 'postgresql'] })
  databaseUrl!: string;

  @EnvInteger('DATABASE_POOL_SIZE', { default: 10, min: 1, max: 200 })
  databasePoolSize!: number;

  @EnvInteger('DATABASE_STATEMENT_TIMEOUT_MS', { default: 15000, min: 100, max: 600000 })
  databaseStatementTimeoutMs!: number;

  @EnvUrl('REDIS_URL', { protocols: ['redis', 'rediss'] })
  redisUrl!: string;

  @EnvString('REDIS_KEY_PREFIX', { default: 'cloudphone:', pattern: /^[\w:.-]{1,64}$/ })
  redisKeyPrefix!: string;

  @EnvInteger('REDIS_COMMAND_TIMEOUT_MS', { default: 1000, min: 50, max: 60000 })
  redisCommandTimeoutMs!: number;

  @EnvUrl('RABBITMQ_URL', { protocols: ['amqp', 'amqps'] })
  rabbitmqUrl!: string;

  @EnvString('EVENTS_EXCHANGE', { default: 'cloudphone.events', pattern: /^[\w.:-]{1,128}$/ })
  eventsExchange!: string;

  @EnvString('QUEUE_PREFIX', { default: 'cloudphone', pattern: /^[\w.:-]{1,64}$/ })
  queuePrefix!: string;

  @EnvString('JWT_SECRET', { minLength: 32, description: 'a secret of at least 32 characters' })
  jwtSecret!: string;

  @EnvString('SERVICE_TOKEN_SECRET', { minLength: 32, description: 'a secret of at least 32 characters' })
  serviceTokenSecret!: string;

  @EnvInteger('SHUTDOWN_TIMEOUT_MS', { default: 10000, min: 1000, max: 120000 })
  shutdownTimeoutMs!: number;

  @EnvInteger('SHUTDOWN_DELAY_MS', { default: 0, min: 0, max: 60000 })
  shutdownDelayMs!: number;

  @EnvInteger('HEALTH_CHECK_TIMEOUT_MS', { default: 1500, min: 100, max: 30000 })
  healthCheckTimeoutMs!: number;

  @EnvBoolean('DOCS_ENABLED', { default: true })
  docsEnabled!: boolean;

  @EnvEnum('CLUSTER_MODE', ['auto', 'on', 'off'] as const, { default: 'auto' })
  clusterMode!: 'auto' | 'on' | 'off';

  @EnvEnum('COORDINATION_DRIVER', ['redis', 'memory'] as const, { default: 'redis' })
  coordinationDriver!: 'redis' | 'memory';

  @EnvString('NODE_APP_INSTANCE', { optional: true })
  pm2InstanceIndex?: string;

  @EnvInteger('instances', { optional: true, min: 0 })
  pm2Instances?: number;

  @EnvString('KUBERNETES_SERVICE_HOST', { optional: true })
  kubernetesServiceHost?: string;

  /**
   * Names the signal showing this process is one of several instances, or null when it runs alone.
   * In-process drivers (lock, bus) refuse to start when this is not null.
   */
  multiInstanceSignal(): string | null {
    if (this.clusterMode === 'on') return 'CLUSTER_MODE=on';
    if (this.pm2Instances !== undefined && this.pm2Instances > 1) {
      return `PM2 cluster (instances=${this.pm2Instances})`;
    }
    if (this.pm2InstanceIndex !== undefined && this.pm2InstanceIndex !== '0') {
      return `PM2 cluster (NODE_APP_INSTANCE=${this.pm2InstanceIndex})`;
    }
    if (this.kubernetesServiceHost !== undefined && this.clusterMode !== 'off') {
      return 'Kubernetes (KUBERNETES_SERVICE_HOST is set; set CLUSTER_MODE=off for a single-replica deployment)';
    }
    return null;
  }

  // Cache and rate limit (issue 4): libs/shared/src/cache, libs/shared/src/rate-limit.

  /** Entries in each process's in-memory cache tier; 0 turns that tier off. */
  @EnvInteger('CACHE_LOCAL_MAX_ENTRIES', { default: 10000, min: 0, max: 10000000 })
  cacheLocalMaxEntries!: number;

  /** Upper bound on how long a process serves an entry without asking Redis (the staleness bound). */
  @EnvInteger('CACHE_LOCAL_TTL_MS', { default: 5000, min: 10, max: 3600000 })
  cacheLocalTtlMs!: number;

  /** TTLs are shortened by a random 0..N % so entries written together do not expire together. */
  @EnvInteger('CACHE_TTL_JITTER_PERCENT', { default: 10, min: 0, max: 50 })
  cacheTtlJitterPercent!: number;

  /** Default for @Cacheable({lease}): one loader per key across all replicas (a Redis lease). */
  @EnvBoolean('CACHE_CLUSTER_SINGLE_FLIGHT', { default: false })
  cacheClusterSingleFlight!: boolean;

  /** How long a replica holding the load lease may take before others load themselves. */
  @EnvInteger('CACHE_LEASE_MS', { default: 5000, min: 100, max: 600000 })
  cacheLeaseMs!: number;

  /** Consecutive Redis errors after which the cache and the rate limiter stop calling Redis for a while. */
  @EnvInteger('REDIS_BREAKER_FAILURE_THRESHOLD', { default: 3, min: 1, max: 1000 })
  redisBreakerFailureThreshold!: number;

  /** How long the cache and rate-limit breakers stay open before probing Redis again. */
  @EnvInteger('REDIS_BREAKER_OPEN_MS', { default: 2000, min: 50, max: 600000 })
  redisBreakerOpenMs!: number;

  /** Default limit on every write route (POST/PUT/PATCH/DELETE) per caller; 0 turns it off. */
  @EnvInteger('RATE_LIMIT_WRITE_POINTS', { default: 120, min: 0, max: 1000000 })
  rateLimitWritePoints!: number;

  @EnvInteger('RATE_LIMIT_WRITE_WINDOW_MS', { default: 60000, min: 100, max: 86400000 })
  rateLimitWriteWindowMs!: number;

  /** What a limit without its own `onStoreDown` does when Redis is unreachable. */
  @EnvEnum('RATE_LIMIT_ON_STORE_DOWN', ['open', 'closed'] as const, { default: 'open' })
  rateLimitOnStoreDown!: 'open' | 'closed';
}

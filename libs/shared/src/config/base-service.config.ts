import { hostname } from 'node:os';
import {
  CRON_SCHEDULE_OVERRIDES_FORMAT,
  NO_CRON_SCHEDULE_OVERRIDES,
  parseCronScheduleOverrides,
} from '../cron/cron-schedule.overrides';
import type { CronScheduleOverrides } from '../cron/cron.types';
import { EnvBoolean, EnvEnum, EnvInteger, EnvParsed, EnvString, EnvUrl } from './env-variable.decorators';
import { parseTrustProxy, TRUST_PROXY_FORMAT, type TrustProxySetting } from './trust-proxy.setting';

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

  /**
   * Express `trust proxy`: the proxies (hop count, addresses or subnets) whose X-Forwarded-For is
   * believed, so `request.ip` behind an ingress is the client's, not the ingress's. Off by default:
   * without a proxy in front, anyone could pick their own IP (and rate-limit budget) with the header.
   */
  @EnvParsed('TRUST_PROXY', { default: false, description: TRUST_PROXY_FORMAT, parse: parseTrustProxy })
  trustProxy!: TrustProxySetting;

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
    // PM2 cluster mode is several processes even with `instances: 1`: `pm2 scale` adds workers
    // later, and `pm2 reload` runs the new worker beside the old one (both see instances=1, index 0).
    if (this.pm2ExecMode === 'cluster_mode') {
      return `PM2 cluster mode (exec_mode=cluster_mode, instances=${this.pm2Instances ?? '?'})`;
    }
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

  // Deployment (issue 6): PM2 puts its process settings in the environment of every worker.
  @EnvString('exec_mode', { optional: true })
  pm2ExecMode?: string;

  // HTTP client: where the typed service clients call, the resilience policy every target shares
  // (deadline, attempt timeout, retries, retry budget, circuit breaker) and what a call does when
  // its target is unavailable.
  @EnvUrl('USER_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30001' })
  userServiceUrl!: string;

  @EnvUrl('BILLING_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30005' })
  billingServiceUrl!: string;

  @EnvInteger('HTTP_CLIENT_TIMEOUT_MS', { default: 3000, min: 10, max: 120000 })
  httpClientTimeoutMs!: number;

  @EnvInteger('HTTP_CLIENT_ATTEMPT_TIMEOUT_MS', { default: 1000, min: 10, max: 120000 })
  httpClientAttemptTimeoutMs!: number;

  @EnvInteger('HTTP_CLIENT_MAX_RETRIES', { default: 2, min: 0, max: 10 })
  httpClientMaxRetries!: number;

  @EnvInteger('HTTP_CLIENT_BACKOFF_BASE_MS', { default: 50, min: 1, max: 60000 })
  httpClientBackoffBaseMs!: number;

  @EnvInteger('HTTP_CLIENT_BACKOFF_MAX_MS', { default: 1000, min: 1, max: 60000 })
  httpClientBackoffMaxMs!: number;

  @EnvInteger('HTTP_CLIENT_RETRY_BUDGET_PERCENT', { default: 20, min: 0, max: 100 })
  httpClientRetryBudgetPercent!: number;

  @EnvInteger('HTTP_CLIENT_BREAKER_ERROR_PERCENT', { default: 50, min: 1, max: 100 })
  httpClientBreakerErrorPercent!: number;

  @EnvInteger('HTTP_CLIENT_BREAKER_MIN_REQUESTS', { default: 10, min: 1, max: 100000 })
  httpClientBreakerMinRequests!: number;

  @EnvInteger('HTTP_CLIENT_BREAKER_RESET_MS', { default: 10000, min: 100, max: 600000 })
  httpClientBreakerResetMs!: number;

  @EnvEnum('QUOTA_CHECK_WHEN_UNAVAILABLE', ['deny', 'allow'] as const, { default: 'deny' })
  quotaCheckWhenUnavailable!: 'deny' | 'allow';

  @EnvEnum('BALANCE_CHECK_WHEN_UNAVAILABLE', ['deny', 'allow'] as const, { default: 'deny' })
  balanceCheckWhenUnavailable!: 'deny' | 'allow';

  // --- Events (libs/shared/src/events): outbox relay, consumers, retention ---

  @EnvInteger('EVENTS_RELAY_BATCH_SIZE', { default: 1000, min: 1, max: 10000 })
  eventsRelayBatchSize!: number;

  /** How often an idle relay looks for rows committed by other processes (its own commits wake it). */
  @EnvInteger('EVENTS_RELAY_POLL_INTERVAL_MS', { default: 1000, min: 10, max: 60000 })
  eventsRelayPollIntervalMs!: number;

  /** Backoff of an event RabbitMQ refused (unroutable or nacked): doubles per attempt up to the max. */
  @EnvInteger('EVENTS_RELAY_RETRY_INITIAL_DELAY_MS', { default: 1000, min: 10, max: 3600000 })
  eventsRelayRetryInitialDelayMs!: number;

  @EnvInteger('EVENTS_RELAY_RETRY_MAX_DELAY_MS', { default: 60000, min: 10, max: 3600000 })
  eventsRelayRetryMaxDelayMs!: number;

  @EnvInteger('EVENTS_PUBLISH_CONFIRM_TIMEOUT_MS', { default: 10000, min: 100, max: 120000 })
  eventsPublishConfirmTimeoutMs!: number;

  @EnvInteger('EVENTS_CONSUMER_PREFETCH', { default: 20, min: 1, max: 1000 })
  eventsConsumerPrefetch!: number;

  /**
   * Delays before the 2nd, 3rd... attempt of a failing handler (one delay queue each); after the
   * last one fails the event goes to the dead-letter queue, so attempts = number of delays + 1.
   */
  @EnvString('EVENTS_CONSUMER_RETRY_DELAYS_MS', {
    default: '1000,5000,30000,120000',
    pattern: /^\d{1,9}(,\d{1,9}){0,19}$/,
    description: 'a comma-separated list of 1 to 20 delays in milliseconds',
  })
  eventsConsumerRetryDelaysMs!: string;

  /** Redeliveries (consumer crashed or channel lost mid-handling) before the broker dead-letters a message. */
  @EnvInteger('EVENTS_CONSUMER_DELIVERY_LIMIT', { default: 10, min: 1, max: 1000 })
  eventsConsumerDeliveryLimit!: number;

  @EnvInteger('EVENTS_OUTBOX_RETENTION_HOURS', { default: 72, min: 1, max: 8760 })
  eventsOutboxRetentionHours!: number;

  /** Keep handled ids longer than any redelivery can take, or a late duplicate is handled again. */
  @EnvInteger('EVENTS_INBOX_RETENTION_HOURS', { default: 336, min: 1, max: 8760 })
  eventsInboxRetentionHours!: number;

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

  // --- Coordination: distributed lock and cluster-safe cron (libs/shared/src/lock, src/cron) ---

  /** Run records kept per cron job in Redis (newest first). */
  @EnvInteger('CRON_HISTORY_SIZE', { default: 50, min: 1, max: 1000 })
  cronHistorySize!: number;

  /** At shutdown, how long running cron jobs may finish before their AbortSignal fires. */
  @EnvInteger('CRON_SHUTDOWN_GRACE_MS', { default: 5000, min: 0, max: 120000 })
  cronShutdownGraceMs!: number;

  /**
   * Per-job schedule changes without a rebuild (docs/coordination.md): a new expression, jitter or
   * minimum hold, or `disabled`. A job name this service does not have stops the start.
   */
  @EnvParsed('CRON_SCHEDULE_OVERRIDES', {
    default: NO_CRON_SCHEDULE_OVERRIDES,
    description: CRON_SCHEDULE_OVERRIDES_FORMAT,
    parse: parseCronScheduleOverrides,
  })
  cronScheduleOverrides!: CronScheduleOverrides;
}

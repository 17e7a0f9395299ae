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
    // PM2 sets exec_mode=cluster_mode even for one instance; `pm2 scale` can add more at any time
    // and the first instance would never learn of them.
    if (this.pm2ExecMode === 'cluster_mode' && this.clusterMode !== 'off') {
      return 'PM2 cluster mode (exec_mode=cluster_mode; set CLUSTER_MODE=off if it never scales past one instance)';
    }
    if (this.kubernetesServiceHost !== undefined && this.clusterMode !== 'off') {
      return 'Kubernetes (KUBERNETES_SERVICE_HOST is set; set CLUSTER_MODE=off for a single-replica deployment)';
    }
    return null;
  }

  // --- Coordination: distributed lock and cluster-safe cron (libs/shared/src/lock, src/cron) ---

  /** PM2 copies its process settings into the environment; `cluster_mode` or `fork_mode`. */
  @EnvString('exec_mode', { optional: true })
  pm2ExecMode?: string;

  /** Run records kept per cron job in Redis (newest first). */
  @EnvInteger('CRON_HISTORY_SIZE', { default: 50, min: 1, max: 1000 })
  cronHistorySize!: number;

  /** At shutdown, how long running cron jobs may finish before their AbortSignal fires. */
  @EnvInteger('CRON_SHUTDOWN_GRACE_MS', { default: 5000, min: 0, max: 120000 })
  cronShutdownGraceMs!: number;
}

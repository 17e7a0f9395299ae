import { hostname } from 'node:os';
import {
  BUILD_REVISION_FORMAT,
  BUILD_REVISION_PATTERN,
  BUILD_VERSION_FORMAT,
  BUILD_VERSION_PATTERN,
  packageVersion,
  UNKNOWN_BUILD,
} from './build-info.setting';
import { EnvBoolean, EnvEnum, EnvInteger, EnvParsed, EnvString } from './env-variable.decorators';
import { parseTrustProxy, TRUST_PROXY_FORMAT, type TrustProxySetting } from './trust-proxy.setting';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Who and where the process is: its name and instance, HTTP listener, logging, shutdown and the
 * deployment it runs in. Each capability declares its own settings in a slice next to its code
 * (e.g. `RedisConfig` in src/redis); an app's config class is `composeConfig(BaseServiceConfig,
 * ...slices)` plus its own variables, and main.ts is the only place that reads process.env.
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

  /** The release this process runs, reported by cloudphone_build_info; the image sets it (Dockerfile). */
  @EnvString('BUILD_VERSION', {
    default: packageVersion(),
    pattern: BUILD_VERSION_PATTERN,
    description: BUILD_VERSION_FORMAT,
  })
  buildVersion!: string;

  /** The commit the image was built from (Dockerfile ARG BUILD_REVISION), for cloudphone_build_info. */
  @EnvString('BUILD_REVISION', {
    default: UNKNOWN_BUILD,
    pattern: BUILD_REVISION_PATTERN,
    description: BUILD_REVISION_FORMAT,
  })
  buildRevision!: string;

  @EnvEnum('LOG_LEVEL', LOG_LEVELS, { default: 'info' })
  logLevel!: LogLevel;

  /** `json` (one object per line, for log stores) or `pretty` (for a person at a terminal). */
  @EnvEnum('LOG_FORMAT', ['json', 'pretty'] as const, { default: 'json' })
  logFormat!: 'json' | 'pretty';

  /**
   * Bytes of log lines gathered before a write to stdout (0: one write per line); below 4096, so a
   * write stays atomic on a pipe several processes share (see AppLogger).
   */
  @EnvInteger('LOG_BUFFER_BYTES', { default: 4000, min: 0, max: 4095 })
  logBufferBytes!: number;

  /** The longest a buffered log line waits for its write. */
  @EnvInteger('LOG_FLUSH_INTERVAL_MS', { default: 200, min: 10, max: 10_000 })
  logFlushIntervalMs!: number;

  @EnvInteger('SHUTDOWN_TIMEOUT_MS', { default: 10000, min: 1000, max: 120000 })
  shutdownTimeoutMs!: number;

  @EnvInteger('SHUTDOWN_DELAY_MS', { default: 0, min: 0, max: 60000 })
  shutdownDelayMs!: number;

  @EnvInteger('HEALTH_CHECK_TIMEOUT_MS', { default: 1500, min: 100, max: 30000 })
  healthCheckTimeoutMs!: number;

  /**
   * Redis and RabbitMQ down also fail readiness (the behaviour before issue 17). Off by default:
   * the process serves without them (docs/deployment.md, "Readiness"), and a blip of a shared
   * dependency would otherwise take every replica of every service out of rotation at once.
   */
  @EnvBoolean('READINESS_STRICT', { default: false })
  readinessStrict!: boolean;

  /** Readiness fails while the event loop's p99 delay exceeds this (0: never); for a wedged process. */
  @EnvInteger('READINESS_MAX_EVENT_LOOP_DELAY_MS', { default: 3000, min: 0, max: 600_000 })
  readinessMaxEventLoopDelayMs!: number;

  @EnvBoolean('DOCS_ENABLED', { default: true })
  docsEnabled!: boolean;

  @EnvEnum('CLUSTER_MODE', ['auto', 'on', 'off'] as const, { default: 'auto' })
  clusterMode!: 'auto' | 'on' | 'off';

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
}

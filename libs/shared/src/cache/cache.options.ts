import type { MetricsService } from '../metrics/metrics.service';
import type { RedisConnectionManager } from '../redis/redis-connection.manager';

export interface CacheSetOptions {
  ttlMs: number;
  tags?: readonly string[];
}

export interface CacheWrapOptions extends CacheSetOptions {
  /** One loader across all replicas (a Redis lease) instead of one per process. */
  lease?: boolean;
}

export interface CacheServiceOptions {
  /** Namespaces the shared tier: services sharing a Redis never see each other's entries. */
  serviceName: string;
  /** null keeps the cache in-process only (COORDINATION_DRIVER=memory). */
  redis: RedisConnectionManager | null;
  metrics: MetricsService;
  localMaxEntries: number;
  localTtlMs: number;
  ttlJitterPercent: number;
  clusterSingleFlight: boolean;
  leaseMs: number;
  breakerFailureThreshold: number;
  breakerOpenMs: number;
}

import type { Counter, Gauge } from 'prom-client';
import type { MetricsService } from '../metrics/metrics.service';

export type CacheTier = 'local' | 'redis';
export type DroppedWriteReason = 'redis_unavailable' | 'invalidated_during_load' | 'not_serialisable';

interface CacheNameCounters {
  localHits: ReturnType<Counter<string>['labels']>;
  redisHits: ReturnType<Counter<string>['labels']>;
  misses: ReturnType<Counter<string>['labels']>;
  loads: ReturnType<Counter<string>['labels']>;
}

/**
 * The cache's Prometheus metrics, labelled by cache name (a key's first segment). Label children
 * are kept per name so the hit path costs a map lookup, not a label hash.
 */
export class CacheMetrics {
  private readonly hits: Counter<'cache' | 'tier'>;
  private readonly misses: Counter<'cache'>;
  private readonly loads: Counter<'cache'>;
  private readonly errors: Counter<'cache' | 'operation'>;
  private readonly droppedWrites: Counter<'cache' | 'reason'>;
  private readonly breakerOpen: Gauge;
  private readonly pendingEvictions: Gauge;
  private readonly byName = new Map<string, CacheNameCounters>();

  constructor(metrics: MetricsService) {
    this.hits = metrics.counter({
      name: 'cloudphone_cache_hits_total',
      help: 'Cache hits by cache name and tier (local = in-process, redis = shared)',
      labelNames: ['cache', 'tier'],
    });
    this.misses = metrics.counter({
      name: 'cloudphone_cache_misses_total',
      help: 'Cache lookups found in neither tier',
      labelNames: ['cache'],
    });
    this.loads = metrics.counter({
      name: 'cloudphone_cache_loads_total',
      help: 'Loader calls (after stampede protection)',
      labelNames: ['cache'],
    });
    this.errors = metrics.counter({
      name: 'cloudphone_cache_errors_total',
      help: 'Cache failures by operation (Redis read/write/evict/lease, loader)',
      labelNames: ['cache', 'operation'],
    });
    this.droppedWrites = metrics.counter({
      name: 'cloudphone_cache_dropped_writes_total',
      help: 'Values not written to Redis, by reason',
      labelNames: ['cache', 'reason'],
    });
    this.breakerOpen = metrics.gauge({
      name: 'cloudphone_cache_redis_breaker_open',
      help: '1 while the cache skips Redis after errors (circuit open or half-open)',
    });
    this.pendingEvictions = metrics.gauge({
      name: 'cloudphone_cache_pending_evictions',
      help: 'Evictions waiting for Redis to come back',
    });
    this.breakerOpen.set(0);
    this.pendingEvictions.set(0);
  }

  hit(cache: string, tier: CacheTier): void {
    const counters = this.countersFor(cache);
    (tier === 'local' ? counters.localHits : counters.redisHits).inc();
  }

  miss(cache: string): void {
    this.countersFor(cache).misses.inc();
  }

  load(cache: string): void {
    this.countersFor(cache).loads.inc();
  }

  error(cache: string, operation: string): void {
    this.errors.inc({ cache, operation });
  }

  droppedWrite(cache: string, reason: DroppedWriteReason): void {
    this.droppedWrites.inc({ cache, reason });
  }

  breakerState(open: boolean): void {
    this.breakerOpen.set(open ? 1 : 0);
  }

  pending(count: number): void {
    this.pendingEvictions.set(count);
  }

  private countersFor(cache: string): CacheNameCounters {
    let counters = this.byName.get(cache);
    if (!counters) {
      counters = {
        localHits: this.hits.labels({ cache, tier: 'local' }),
        redisHits: this.hits.labels({ cache, tier: 'redis' }),
        misses: this.misses.labels({ cache }),
        loads: this.loads.labels({ cache }),
      };
      this.byName.set(cache, counters);
    }
    return counters;
  }
}

import { EnvBoolean, EnvInteger } from '../config/env-variable.decorators';

/** Settings of the two-tier cache (config slice of src/cache). */
export class CacheConfig {
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
}

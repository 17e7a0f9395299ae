import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CoalescedRuns } from '../concurrency/coalesced-runs';
import { RedisCircuitBreaker } from '../redis/redis-circuit-breaker';
import { cacheNameOf, sanitizeCacheKey } from './cache-key.template';
import type { CacheServiceOptions, CacheSetOptions, CacheWrapOptions } from './cache.options';
import {
  type CacheEnvelope,
  decodeCacheEnvelope,
  prepareCacheEntry,
  type PreparedCacheEntry,
} from './cache-value.codec';
import { CacheMetrics, type DroppedWriteReason } from './cache.metrics';
import { LocalCacheTier } from './local-cache.tier';
import { PendingEvictions } from './pending-evictions';
import { FENCE_TTL_MS, type InvalidationMessage, type LoadFence, RedisCacheStore } from './redis-cache.store';

// The options live beside it (cache.options.ts) to keep this file to its job; callers import them here.
export type { CacheServiceOptions, CacheSetOptions, CacheWrapOptions } from './cache.options';

interface InFlightLoad {
  tags: readonly string[];
  promise: Promise<unknown>;
}

const MAX_PENDING_EVICTIONS = 1000;
const LEASE_POLL_MS = 25;
const SUBSCRIBE_WAIT_MS = 2000;

/**
 * Two-tier cache: a bounded in-process LRU in front of Redis. Evictions reach every replica through
 * Redis pub/sub; a replica that reconnects drops its local tier. Concurrent misses of one key share
 * one load. When Redis fails, a circuit breaker makes the cache skip it (reads fall back to the
 * local tier and the loader, writes are dropped and counted, evictions are replayed on recovery),
 * so no caller ever fails because of the cache.
 */
export class CacheService implements OnModuleInit, OnModuleDestroy {
  private readonly local: LocalCacheTier;
  private readonly store: RedisCacheStore | null;
  private readonly breaker: RedisCircuitBreaker;
  private readonly metrics: CacheMetrics;
  private readonly inFlight = new Map<string, InFlightLoad>();
  private readonly tagInvalidations = new CoalescedRuns();
  private readonly pending = new PendingEvictions(MAX_PENDING_EVICTIONS);
  private readonly logger = new Logger('Cache');
  private localEpoch = 0;
  private replaying = false;
  private lastErrorLoggedAt = 0;
  private stopListeningForReady: (() => void) | null = null;

  constructor(private readonly options: CacheServiceOptions) {
    this.local = new LocalCacheTier({ maxEntries: options.localMaxEntries, maxTtlMs: options.localTtlMs });
    this.metrics = new CacheMetrics(options.metrics);
    this.store = options.redis ? new RedisCacheStore(options.redis, options.serviceName, randomUUID()) : null;
    this.breaker = new RedisCircuitBreaker({
      failureThreshold: options.breakerFailureThreshold,
      openMs: options.breakerOpenMs,
      onStateChange: (state) => {
        this.metrics.breakerState(state !== 'closed');
        this.logger.log({ msg: 'cache Redis circuit changed state', state });
        if (state === 'closed') void this.replayPendingEvictions();
      },
    });
  }

  /** Subscribes to invalidations; waits (briefly, Redis may be down) until the subscription is live. */
  async onModuleInit(): Promise<void> {
    if (!this.store) return;
    const subscribed = this.store.subscribe({
      onMessage: (message) => this.applyInvalidation(message),
      onSubscribed: () => this.clearLocal(false),
    });
    this.stopListeningForReady = this.store.onCommandConnectionReady(
      () => void this.replayPendingEvictions(),
    );
    const timeout = new AbortController();
    await Promise.race([
      subscribed,
      sleep(SUBSCRIBE_WAIT_MS, undefined, { signal: timeout.signal }).catch(() => undefined),
    ]);
    timeout.abort();
  }

  onModuleDestroy(): void {
    this.stopListeningForReady?.();
    this.store?.unsubscribe();
  }

  /** The cached value, or undefined. Values are frozen: treat them as read-only. */
  async get<T>(key: string): Promise<T | undefined> {
    const safeKey = sanitizeCacheKey(key);
    const name = cacheNameOf(safeKey);
    const hit = this.local.get(safeKey);
    if (hit) {
      this.metrics.hit(name, 'local');
      return hit.value as T;
    }
    const epoch = this.localEpoch;
    const text = await this.callRedis(name, 'read', (store) => store.read(safeKey));
    const envelope = text ? decodeCacheEnvelope(text) : undefined;
    if (!envelope) {
      this.metrics.miss(name);
      return undefined;
    }
    this.metrics.hit(name, 'redis');
    if (epoch === this.localEpoch) this.keepLocally(safeKey, envelope);
    return envelope.value as T;
  }

  /** Stores a value (JSON-serialisable) in both tiers; other replicas drop their local copy. */
  async set<T>(key: string, value: T, options: CacheSetOptions): Promise<void> {
    const safeKey = sanitizeCacheKey(key);
    const tags = (options.tags ?? []).map(sanitizeCacheKey);
    const name = cacheNameOf(safeKey);
    const prepared = this.prepare(name, value, tags, options.ttlMs);
    if (!prepared) return;
    this.invalidateLocally([safeKey], []);
    this.keepLocally(safeKey, prepared.envelope);
    const stored = await this.callRedis(name, 'write', (store) =>
      store.write(safeKey, prepared.text, prepared.ttlMs, tags, { broadcast: true }),
    );
    if (stored === undefined && this.store) this.metrics.droppedWrite(name, 'redis_unavailable');
  }

  /** Removes keys from every tier of every replica. */
  delete(...keys: string[]): Promise<void> {
    return this.evict({ keys });
  }

  /** Removes every entry carrying one of the tags, on every replica. */
  invalidateTags(...tags: string[]): Promise<void> {
    // A burst of invalidations of one tag (every claim and finished wipe drops the free-device lists)
    // shares Redis round trips and pub/sub messages: see CoalescedRuns.
    return this.tagInvalidations.run(tags.join('\n'), () => this.evict({ tags }));
  }

  /** Removes keys and tagged entries in one Redis round trip; never throws. */
  async evict(target: { keys?: readonly string[]; tags?: readonly string[] }): Promise<void> {
    const keys = (target.keys ?? []).map(sanitizeCacheKey);
    const tags = (target.tags ?? []).map(sanitizeCacheKey);
    if (keys.length === 0 && tags.length === 0) return;
    this.invalidateLocally(keys, tags);
    const done = await this.callRedis(cacheNameOf(keys[0] ?? tags[0]), 'evict', (store) =>
      store.evict(keys, tags),
    );
    if (done === undefined && this.store) this.queueEviction(keys, tags);
    // A read between the first local drop and the Redis delete may have refilled the local tier.
    this.invalidateLocally(keys, tags);
  }

  /**
   * The cached value for `key`, or the loader's result (cached for `ttlMs`). Concurrent callers of
   * one key share one load; with `lease` one replica loads while the others wait for its result.
   * Always returns the value as the cache stores it (JSON round trip, frozen) so a hit and a miss
   * look the same to the caller.
   */
  async wrap<T>(key: string, loader: () => Promise<T>, options: CacheWrapOptions): Promise<T> {
    const safeKey = sanitizeCacheKey(key);
    const name = cacheNameOf(safeKey);
    const hit = this.local.get(safeKey);
    if (hit) {
      this.metrics.hit(name, 'local');
      return hit.value as T;
    }
    const running = this.inFlight.get(safeKey);
    if (running) return running.promise as Promise<T>;
    const tags = (options.tags ?? []).map(sanitizeCacheKey);
    const load: InFlightLoad = { tags, promise: Promise.resolve() };
    load.promise = this.resolve(safeKey, name, loader, options, load).finally(() => {
      if (this.inFlight.get(safeKey) === load) this.inFlight.delete(safeKey);
    });
    this.inFlight.set(safeKey, load);
    return load.promise as Promise<T>;
  }

  /** Entries currently in this process's tier (for tests and diagnostics). */
  get localSize(): number {
    return this.local.size;
  }

  private async resolve<T>(
    key: string,
    name: string,
    loader: () => Promise<T>,
    options: CacheWrapOptions,
    load: InFlightLoad,
  ): Promise<T> {
    const read = await this.callRedis(name, 'read', (store) => store.readForLoad(key, load.tags));
    const found = read?.text ? decodeCacheEnvelope(read.text) : undefined;
    if (found) {
      this.metrics.hit(name, 'redis');
      if (this.inFlight.get(key) === load) this.keepLocally(key, found);
      return found.value as T;
    }
    this.metrics.miss(name);
    let leaseToken: string | undefined;
    if (read && (options.lease ?? this.options.clusterSingleFlight)) {
      const outcome = await this.waitForLease(key, name, load);
      if (outcome.envelope) return outcome.envelope.value as T;
      leaseToken = outcome.token;
    }
    return this.loadAndStore(key, name, loader, options.ttlMs, load, read?.fence, leaseToken);
  }

  private async loadAndStore<T>(
    key: string,
    name: string,
    loader: () => Promise<T>,
    ttlMs: number,
    load: InFlightLoad,
    fence: LoadFence | undefined,
    leaseToken: string | undefined,
  ): Promise<T> {
    this.metrics.load(name);
    const started = Date.now();
    let value: T;
    try {
      value = await loader();
    } catch (error) {
      this.metrics.error(name, 'load');
      if (leaseToken) void this.callRedis(name, 'lease', (store) => store.releaseLease(key, leaseToken));
      throw error;
    }
    const prepared = this.prepare(name, value, load.tags, ttlMs);
    if (!prepared) return value;
    let fresh = this.inFlight.get(key) === load && Date.now() - started < FENCE_TTL_MS / 2;
    if (!fence) {
      if (this.store) this.metrics.droppedWrite(name, 'redis_unavailable');
    } else if (!fresh) {
      this.metrics.droppedWrite(name, 'invalidated_during_load');
      if (leaseToken) void this.callRedis(name, 'lease', (store) => store.releaseLease(key, leaseToken));
    } else {
      const stored = await this.callRedis(name, 'write', (store) =>
        store.write(key, prepared.text, prepared.ttlMs, load.tags, { fence, leaseToken }),
      );
      if (stored === undefined) this.metrics.droppedWrite(name, 'redis_unavailable');
      else if (!stored) this.metrics.droppedWrite(name, 'invalidated_during_load');
      fresh = stored !== false;
    }
    if (fresh && this.inFlight.get(key) === load) this.keepLocally(key, prepared.envelope);
    return prepared.envelope.value as T;
  }

  /** Waits while another replica holds the load lease; returns its value, or our own lease token. */
  private async waitForLease(
    key: string,
    name: string,
    load: InFlightLoad,
  ): Promise<{ envelope?: CacheEnvelope; token?: string }> {
    const token = randomUUID();
    const deadline = Date.now() + this.options.leaseMs;
    while (Date.now() < deadline && this.inFlight.get(key) === load) {
      const lease = await this.callRedis(name, 'lease', (store) =>
        store.acquireLease(key, token, this.options.leaseMs),
      );
      if (lease === undefined) return {};
      if (lease.acquired) return { token };
      // Stored by the loader that held the lease, between our miss and this call.
      const stored = this.storedHit(key, name, load, lease.text);
      if (stored) return { envelope: stored };
      await sleep(LEASE_POLL_MS);
      const text = await this.callRedis(name, 'read', (store) => store.read(key));
      if (text === undefined) return {};
      const envelope = this.storedHit(key, name, load, text);
      if (envelope) return { envelope };
    }
    return {};
  }

  /** The envelope another replica stored (counted as a Redis hit, kept locally), or undefined. */
  private storedHit(
    key: string,
    name: string,
    load: InFlightLoad,
    text: string | null,
  ): CacheEnvelope | undefined {
    const envelope = text ? decodeCacheEnvelope(text) : undefined;
    if (!envelope) return undefined;
    this.metrics.hit(name, 'redis');
    if (this.inFlight.get(key) === load) this.keepLocally(key, envelope);
    return envelope;
  }

  private prepare(
    name: string,
    value: unknown,
    tags: string[] | readonly string[],
    ttlMs: number,
  ): PreparedCacheEntry | null {
    try {
      return prepareCacheEntry(value, tags, ttlMs, this.options.ttlJitterPercent);
    } catch (error) {
      this.metrics.droppedWrite(name, 'not_serialisable' satisfies DroppedWriteReason);
      this.logger.warn({ msg: 'value not cached: not JSON-serialisable', cache: name, error: String(error) });
      return null;
    }
  }

  private keepLocally(key: string, envelope: CacheEnvelope): void {
    this.local.set(key, envelope.value, envelope.tags, envelope.expiresAt - Date.now());
  }

  private applyInvalidation(message: InvalidationMessage): void {
    if (message.all) this.clearLocal(true);
    else this.invalidateLocally(message.keys, message.tags);
  }

  private invalidateLocally(keys: readonly string[], tags: readonly string[]): void {
    this.localEpoch += 1;
    this.local.delete(keys, tags);
    for (const key of keys) this.inFlight.delete(key);
    if (tags.length === 0) return;
    for (const [key, load] of this.inFlight) {
      if (load.tags.some((tag) => tags.includes(tag))) this.inFlight.delete(key);
    }
  }

  /**
   * Empties the local tier. After a reconnect, loads still running keep going: their Redis write is
   * fenced, and a refused write keeps them out of the local tier too.
   */
  private clearLocal(dropInFlight: boolean): void {
    this.localEpoch += 1;
    this.local.clear();
    if (dropInFlight) this.inFlight.clear();
  }

  /**
   * Runs a Redis call behind the breaker; undefined means "Redis unavailable, carry on without it".
   * The breaker covers a connected but failing or hanging Redis (timeouts).
   */
  private async callRedis<R>(
    name: string,
    operation: string,
    call: (store: RedisCacheStore) => Promise<R>,
  ): Promise<R | undefined> {
    if (!this.store) return undefined;
    if (!this.store.isReady()) {
      // Not connected (booting, or ioredis reconnecting): skipping is already free, and counting it
      // against the breaker would keep Redis unused for a while after the connection comes back.
      this.metrics.error(name, operation);
      return undefined;
    }
    if (!this.breaker.allowRequest()) return undefined;
    try {
      const result = await call(this.store);
      this.breaker.recordSuccess();
      return result;
    } catch (error) {
      this.breaker.recordFailure();
      this.metrics.error(name, operation);
      const now = Date.now();
      if (now - this.lastErrorLoggedAt > 5000) {
        this.lastErrorLoggedAt = now;
        this.logger.warn({
          msg: 'cache Redis call failed; serving without Redis',
          operation,
          error: String(error),
        });
      }
      return undefined;
    }
  }

  private queueEviction(keys: readonly string[], tags: readonly string[]): void {
    this.pending.add(keys, tags);
    this.metrics.pending(this.pending.size);
  }

  /** Sends the evictions Redis missed while away; after too many, clears this service's shared tier. */
  private async replayPendingEvictions(): Promise<void> {
    if (this.replaying) return;
    const batch = this.pending.take();
    if (!batch) return;
    this.replaying = true;
    const done = await this.callRedis('replay', 'evict', (store) =>
      batch.everything ? store.clearAll() : store.evict(batch.keys, batch.tags),
    );
    this.replaying = false;
    if (done === undefined) this.pending.restore(batch);
    this.metrics.pending(this.pending.size);
    if (done === undefined) return;
    this.logger.log({
      msg: 'replayed cache evictions missed while Redis was away',
      keys: batch.keys.length,
      tags: batch.tags.length,
      clearedEverything: batch.everything,
    });
  }
}

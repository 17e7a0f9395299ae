import type { RedisConnectionManager, RedisScript } from '../redis/redis-connection.manager';
import {
  CACHE_EVICT_SCRIPT,
  CACHE_ACQUIRE_LEASE_SCRIPT,
  CACHE_RELEASE_LEASE_SCRIPT,
  CACHE_WRITE_SCRIPT,
} from './redis-cache.scripts';

/** What one replica tells the others: drop these keys and tags, or everything (`all`). */
export interface InvalidationMessage {
  origin: string;
  keys: string[];
  tags: string[];
  all: boolean;
}

/** The generations a loader saw before loading; its write is refused if any has moved since. */
export interface LoadFence {
  keyGen: string;
  tagGens: string[];
}

export interface InvalidationHandlers {
  onMessage(message: InvalidationMessage): void;
  /** The subscription was (re)established: messages may have been missed meanwhile. */
  onSubscribed(): void;
}

// Long enough for any sane loader; a load that outlives it skips its write (see CacheService).
export const FENCE_TTL_MS = 10 * 60 * 1000;
const SCAN_BATCH = 500;

/**
 * The cache's Redis driver, namespaced per service: values under `cache:<service>:v:`, tag sets,
 * generation counters, load leases and the invalidation channel. Every call may reject when Redis
 * is away; the CacheService decides what that means.
 */
export class RedisCacheStore {
  private readonly writeScript: RedisScript;
  private readonly evictScript: RedisScript;
  private readonly acquireLeaseScript: RedisScript;
  private readonly releaseLeaseScript: RedisScript;
  private readonly channel: string;
  private messageListener: ((channel: string, message: string) => void) | null = null;
  private readyListener: (() => void) | null = null;

  constructor(
    private readonly redis: RedisConnectionManager,
    private readonly namespace: string,
    private readonly origin: string,
  ) {
    this.writeScript = redis.defineScript('cacheWrite', CACHE_WRITE_SCRIPT);
    this.evictScript = redis.defineScript('cacheEvict', CACHE_EVICT_SCRIPT);
    this.acquireLeaseScript = redis.defineScript('cacheAcquireLease', CACHE_ACQUIRE_LEASE_SCRIPT);
    this.releaseLeaseScript = redis.defineScript('cacheReleaseLease', CACHE_RELEASE_LEASE_SCRIPT);
    this.channel = redis.key('cache', namespace, 'invalidations');
  }

  /** False while the command connection is down or (re)connecting: calls would fail at once. */
  isReady(): boolean {
    return this.redis.isReady();
  }

  /** The stored envelope text, or null. */
  read(key: string): Promise<string | null> {
    return this.redis.client.get(this.valueKey(key));
  }

  /** The stored envelope text plus the fence a subsequent `write` must present, in one round trip. */
  async readForLoad(
    key: string,
    tags: readonly string[],
  ): Promise<{ text: string | null; fence: LoadFence }> {
    const [text, keyGen, ...tagGens] = await this.redis.client.mget(
      this.valueKey(key),
      this.keyGenKey(key),
      ...tags.map((tag) => this.tagGenKey(tag)),
    );
    return { text, fence: { keyGen: keyGen ?? '', tagGens: tagGens.map((gen) => gen ?? '') } };
  }

  /**
   * Stores an envelope. With a fence the write is refused (false) when an eviction happened since
   * the fence was read; with `broadcast` the other replicas drop their local copy.
   */
  async write(
    key: string,
    text: string,
    ttlMs: number,
    tags: readonly string[],
    options: { fence?: LoadFence; leaseToken?: string; broadcast?: boolean } = {},
  ): Promise<boolean> {
    const { fence } = options;
    const keys = [
      this.valueKey(key),
      this.keyGenKey(key),
      this.leaseKey(key),
      ...tags.map((tag) => this.tagGenKey(tag)),
      ...tags.map((tag) => this.tagSetKey(tag)),
    ];
    const message = options.broadcast ? this.message([key], [], false) : '';
    const result = await this.writeScript.run(keys, [
      text,
      Math.max(1, Math.round(ttlMs)),
      fence ? '1' : '0',
      fence?.keyGen ?? '',
      ...tags.map((_tag, index) => fence?.tagGens[index] ?? ''),
      options.leaseToken ?? '',
      options.broadcast ? this.channel : '',
      message,
    ]);
    return result === 1;
  }

  /** Deletes keys and every key carrying one of the tags, bumps their gens and tells every replica. */
  async evict(keys: readonly string[], tags: readonly string[]): Promise<true> {
    await this.evictScript.run(
      [
        ...keys.map((key) => this.valueKey(key)),
        ...keys.map((key) => this.keyGenKey(key)),
        ...tags.map((tag) => this.tagSetKey(tag)),
        ...tags.map((tag) => this.tagGenKey(tag)),
      ],
      [keys.length, tags.length, FENCE_TTL_MS, this.channel, this.message(keys, tags, false)],
    );
    return true;
  }

  /** Drops this service's whole shared tier (used when too many evictions were missed) and says so. */
  async clearAll(): Promise<true> {
    const pattern = `${this.redis.key('cache', this.namespace)}:*`;
    let cursor = '0';
    do {
      const [next, found] = await this.redis.client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
      cursor = next;
      if (found.length > 0) await this.redis.client.unlink(...found);
    } while (cursor !== '0');
    await this.redis.client.publish(this.channel, this.message([], [], true));
    return true;
  }

  /** Tries to become the one replica loading `key`. */
  /** The load lease while the key has no value (`acquired`), or the value another loader stored. */
  async acquireLease(
    key: string,
    token: string,
    ttlMs: number,
  ): Promise<{ acquired: boolean; text: string | null }> {
    const [state, text] = (await this.acquireLeaseScript.run(
      [this.valueKey(key), this.leaseKey(key)],
      [token, String(ttlMs)],
    )) as [number, string?];
    return { acquired: state === 1, text: state === 2 ? (text ?? null) : null };
  }

  async releaseLease(key: string, token: string): Promise<void> {
    await this.releaseLeaseScript.run([this.leaseKey(key)], [token]);
  }

  /**
   * Listens on the invalidation channel of the shared subscriber connection. `onSubscribed` runs on
   * every (re)connection and again once the subscription is confirmed, so a replica that may have
   * missed messages drops its local tier. Resolves once the first subscription is confirmed.
   */
  subscribe(handlers: InvalidationHandlers): Promise<void> {
    const subscriber = this.redis.subscriber();
    this.messageListener = (channel, text) => {
      if (channel !== this.channel) return;
      const message = parseMessage(text);
      if (message && message.origin !== this.origin) handlers.onMessage(message);
    };
    this.readyListener = () => {
      handlers.onSubscribed();
      subscriber.subscribe(this.channel).then(handlers.onSubscribed, () => undefined);
    };
    subscriber.on('message', this.messageListener);
    subscriber.on('ready', this.readyListener);
    return subscriber.subscribe(this.channel).then(handlers.onSubscribed, () => undefined);
  }

  /** Calls `handler` whenever the command connection (re)connects. */
  onCommandConnectionReady(handler: () => void): () => void {
    this.redis.client.on('ready', handler);
    return () => this.redis.client.off('ready', handler);
  }

  unsubscribe(): void {
    const subscriber = this.redis.subscriber();
    if (this.messageListener) subscriber.off('message', this.messageListener);
    if (this.readyListener) subscriber.off('ready', this.readyListener);
    this.messageListener = this.readyListener = null;
    subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private message(keys: readonly string[], tags: readonly string[], all: boolean): string {
    return JSON.stringify({ origin: this.origin, keys, tags, all });
  }

  private valueKey(key: string): string {
    return this.redis.key('cache', this.namespace, 'v', key);
  }

  private keyGenKey(key: string): string {
    return this.redis.key('cache', this.namespace, 'g', key);
  }

  private tagSetKey(tag: string): string {
    return this.redis.key('cache', this.namespace, 't', tag);
  }

  private tagGenKey(tag: string): string {
    return this.redis.key('cache', this.namespace, 'tg', tag);
  }

  private leaseKey(key: string): string {
    return this.redis.key('cache', this.namespace, 'l', key);
  }
}

function parseMessage(text: string): InvalidationMessage | null {
  try {
    const parsed = JSON.parse(text) as Partial<InvalidationMessage>;
    const strings = (value: unknown): string[] =>
      Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    return {
      origin: typeof parsed.origin === 'string' ? parsed.origin : '',
      keys: strings(parsed.keys),
      tags: strings(parsed.tags),
      all: parsed.all === true,
    };
  } catch {
    return null;
  }
}

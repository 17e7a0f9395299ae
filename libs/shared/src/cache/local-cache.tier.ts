import { LRUCache } from 'lru-cache';

interface LocalEntry {
  value: unknown;
  tags: string[];
}

export interface LocalCacheTierOptions {
  maxEntries: number;
  /** No entry lives longer than this here, whatever its own TTL (the cross-replica staleness bound). */
  maxTtlMs: number;
}

/**
 * The bounded in-process tier: an LRU of frozen values with a tag index, so a tag invalidation
 * (local or received from another replica) drops exactly the entries carrying that tag.
 */
export class LocalCacheTier {
  private readonly entries: LRUCache<string, LocalEntry> | null;
  private readonly keysByTag = new Map<string, Set<string>>();

  constructor(private readonly options: LocalCacheTierOptions) {
    this.entries =
      options.maxEntries > 0
        ? new LRUCache<string, LocalEntry>({
            max: options.maxEntries,
            ttl: options.maxTtlMs,
            ttlAutopurge: false,
            dispose: (entry, key) => this.unindex(key, entry.tags),
          })
        : null;
  }

  get enabled(): boolean {
    return this.entries !== null;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  /** The entry for `key`, or undefined when absent or expired. */
  get(key: string): { value: unknown } | undefined {
    return this.entries?.get(key);
  }

  set(key: string, value: unknown, tags: string[], ttlMs: number): void {
    if (!this.entries) return;
    const ttl = Math.min(ttlMs, this.options.maxTtlMs);
    if (ttl <= 0) return;
    this.entries.set(key, { value, tags }, { ttl });
    for (const tag of tags) {
      let keys = this.keysByTag.get(tag);
      if (!keys) this.keysByTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  delete(keys: readonly string[], tags: readonly string[]): void {
    if (!this.entries) return;
    for (const key of keys) this.entries.delete(key);
    for (const tag of tags) {
      const tagged = this.keysByTag.get(tag);
      if (!tagged) continue;
      for (const key of [...tagged]) this.entries.delete(key);
      this.keysByTag.delete(tag);
    }
  }

  clear(): void {
    this.entries?.clear();
    this.keysByTag.clear();
  }

  private unindex(key: string, tags: string[]): void {
    for (const tag of tags) {
      const keys = this.keysByTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.keysByTag.delete(tag);
    }
  }
}

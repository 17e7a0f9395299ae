export interface PendingEvictionBatch {
  keys: string[];
  tags: string[];
  /** Too many were missed to list: the service's whole shared tier must be cleared. */
  everything: boolean;
}

/**
 * Evictions that could not reach Redis, kept until it is back so a value changed during an outage
 * is not served from Redis afterwards. Bounded: past `limit` entries it only remembers "everything".
 */
export class PendingEvictions {
  private keys = new Set<string>();
  private tags = new Set<string>();
  private everything = false;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.everything ? this.limit : this.keys.size + this.tags.size;
  }

  add(keys: readonly string[], tags: readonly string[]): void {
    if (this.everything) return;
    for (const key of keys) this.keys.add(key);
    for (const tag of tags) this.tags.add(tag);
    if (this.keys.size + this.tags.size > this.limit) {
      this.everything = true;
      this.keys.clear();
      this.tags.clear();
    }
  }

  /** Takes everything pending (null when nothing is); `restore` puts a failed batch back. */
  take(): PendingEvictionBatch | null {
    if (this.size === 0) return null;
    const batch = { keys: [...this.keys], tags: [...this.tags], everything: this.everything };
    this.keys = new Set();
    this.tags = new Set();
    this.everything = false;
    return batch;
  }

  restore(batch: PendingEvictionBatch): void {
    if (batch.everything) {
      this.everything = true;
      this.keys.clear();
      this.tags.clear();
    }
    this.add(batch.keys, batch.tags);
  }
}

export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of requests over the window, e.g. 0.2. */
  ratio: number;
  /** Retries always allowed per window, so a quiet caller can still retry a blip. */
  minRetriesPerWindow: number;
  windowMs: number;
}

const BUCKETS = 10;

interface Bucket {
  epoch: number;
  requests: number;
  retries: number;
}

/**
 * Caps retries to a share of recent traffic towards one target (as Finagle and gRPC do). Without
 * it, every caller retrying a failing target multiplies the load on it by (1 + maxRetries) exactly
 * when it can least take it; with it, an outage costs at most `ratio` extra requests.
 * The window is kept as ten rotating buckets, so counting costs O(1) memory per target.
 */
export class RetryBudget {
  private readonly buckets: Bucket[] = Array.from({ length: BUCKETS }, () => ({
    epoch: -1,
    requests: 0,
    retries: 0,
  }));
  private readonly bucketMs: number;

  constructor(
    private readonly options: RetryBudgetOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(options.windowMs / BUCKETS));
  }

  /** Counts a first attempt. */
  recordRequest(): void {
    this.current().requests += 1;
  }

  /** Takes one retry from the budget; false when the window's retries are used up. */
  tryAcquireRetry(): boolean {
    const { requests, retries } = this.totals();
    const allowed = this.options.minRetriesPerWindow + this.options.ratio * requests;
    if (retries + 1 > allowed) return false;
    this.current().retries += 1;
    return true;
  }

  private current(): Bucket {
    const epoch = Math.floor(this.clock() / this.bucketMs);
    const bucket = this.buckets[epoch % BUCKETS];
    if (bucket.epoch !== epoch) {
      bucket.epoch = epoch;
      bucket.requests = 0;
      bucket.retries = 0;
    }
    return bucket;
  }

  private totals(): { requests: number; retries: number } {
    const oldest = Math.floor(this.clock() / this.bucketMs) - BUCKETS + 1;
    let requests = 0;
    let retries = 0;
    for (const bucket of this.buckets) {
      if (bucket.epoch < oldest) continue;
      requests += bucket.requests;
      retries += bucket.retries;
    }
    return { requests, retries };
  }
}

export type RedisCircuitState = 'closed' | 'open' | 'half-open';

export interface RedisCircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before letting one probe through. */
  openMs: number;
  onStateChange?: (state: RedisCircuitState) => void;
  /** Injected in tests. */
  now?: () => number;
}

/**
 * A small synchronous breaker for hot Redis paths (cache reads, rate-limit checks): after a run of
 * failures callers skip Redis at once for `openMs` instead of each waiting for a command timeout,
 * then a single probe decides whether to close again. Synchronous on purpose: the cache's hit path
 * cannot afford a promise-wrapping breaker such as opossum.
 */
export class RedisCircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: RedisCircuitState = 'closed';
  private readonly now: () => number;

  constructor(private readonly options: RedisCircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): RedisCircuitState {
    return this.current;
  }

  /** True when a call may go to Redis now (closed, or the one half-open probe). */
  allowRequest(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.openMs) return false;
      this.transition('half-open');
    }
    if (this.probing) return false;
    this.probing = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  recordFailure(): void {
    this.probing = false;
    this.failures += 1;
    if (
      this.current === 'half-open' ||
      (this.current === 'closed' && this.failures >= this.options.failureThreshold)
    ) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  private transition(state: RedisCircuitState): void {
    this.current = state;
    this.options.onStateChange?.(state);
  }
}

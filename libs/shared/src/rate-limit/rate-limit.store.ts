/** One limit to check: at most `points` requests per sliding `windowMs` under `key`. */
export interface RateLimitCheck {
  key: string;
  points: number;
  windowMs: number;
}

/** Where one limit stands after a check (after committing it, when allowed). */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Milliseconds until the oldest request in the window leaves it (a point comes back). */
  resetMs: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** When refused: milliseconds until the request would fit every limit. */
  retryAfterMs: number;
  /** One per check, in order. */
  states: RateLimitState[];
}

/**
 * Exact sliding-window counting: a request is allowed when every check has fewer than `points`
 * requests in the last `windowMs`; then it is recorded in all of them, else in none.
 */
export interface RateLimitStore {
  consume(checks: readonly RateLimitCheck[]): Promise<RateLimitVerdict>;
}

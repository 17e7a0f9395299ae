import type { HttpClientConfig } from './http-client.config';

/** The resilience policy of one target service; every call to that target shares it. */
export interface HttpClientPolicy {
  /** Overall deadline of one call: attempts, backoff waits and Retry-After waits included. */
  deadlineMs: number;
  /** Timeout of a single attempt (connect, headers and body). */
  attemptTimeoutMs: number;
  /** Retries after the first attempt, for idempotent calls only. */
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Retries may add at most this fraction of the target's recent requests (0.2 = 20%). */
  retryBudgetRatio: number;
  /** Retries always allowed per budget window, however quiet the traffic. */
  retryBudgetMinRetries: number;
  retryBudgetWindowMs: number;
  /** The breaker opens when this percentage of attempts in the window failed… */
  breakerErrorPercent: number;
  /** …and at least this many attempts were made in the window. */
  breakerMinRequests: number;
  /** How long the breaker stays open before letting one probe through (half-open). */
  breakerResetMs: number;
  breakerWindowMs: number;
}

/** A service the client calls: its name (metrics, logs, errors) and base URL. */
export interface HttpTarget {
  name: string;
  baseUrl: string;
  /** Overrides of the shared policy for this target only. */
  policy?: Partial<HttpClientPolicy>;
  /**
   * A vendor's API rather than a platform service: the platform's service token is never sent to it
   * (a Docker host or proxy vendor has no use for it, and must not be handed one).
   */
  external?: boolean;
}

const ROLLING_WINDOW_MS = 10_000;
const MIN_RETRIES_PER_WINDOW = 10;

/** The policy every target gets from the HTTP_CLIENT_* settings. */
export function httpClientPolicyFromConfig(config: HttpClientConfig): HttpClientPolicy {
  return {
    deadlineMs: config.httpClientTimeoutMs,
    attemptTimeoutMs: Math.min(config.httpClientAttemptTimeoutMs, config.httpClientTimeoutMs),
    maxRetries: config.httpClientMaxRetries,
    backoffBaseMs: config.httpClientBackoffBaseMs,
    backoffMaxMs: Math.max(config.httpClientBackoffBaseMs, config.httpClientBackoffMaxMs),
    retryBudgetRatio: config.httpClientRetryBudgetPercent / 100,
    retryBudgetMinRetries: MIN_RETRIES_PER_WINDOW,
    retryBudgetWindowMs: ROLLING_WINDOW_MS,
    breakerErrorPercent: config.httpClientBreakerErrorPercent,
    breakerMinRequests: config.httpClientBreakerMinRequests,
    breakerResetMs: config.httpClientBreakerResetMs,
    breakerWindowMs: ROLLING_WINDOW_MS,
  };
}

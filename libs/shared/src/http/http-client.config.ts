import { EnvInteger } from '../config/env-variable.decorators';

/** The resilience policy every HTTP client target shares: deadline, attempt timeout, retries, retry budget and circuit breaker. */
export class HttpClientConfig {
  @EnvInteger('HTTP_CLIENT_TIMEOUT_MS', { default: 3000, min: 10, max: 120000 })
  httpClientTimeoutMs!: number;

  @EnvInteger('HTTP_CLIENT_ATTEMPT_TIMEOUT_MS', { default: 1000, min: 10, max: 120000 })
  httpClientAttemptTimeoutMs!: number;

  @EnvInteger('HTTP_CLIENT_MAX_RETRIES', { default: 2, min: 0, max: 10 })
  httpClientMaxRetries!: number;

  @EnvInteger('HTTP_CLIENT_BACKOFF_BASE_MS', { default: 50, min: 1, max: 60000 })
  httpClientBackoffBaseMs!: number;

  @EnvInteger('HTTP_CLIENT_BACKOFF_MAX_MS', { default: 1000, min: 1, max: 60000 })
  httpClientBackoffMaxMs!: number;

  @EnvInteger('HTTP_CLIENT_RETRY_BUDGET_PERCENT', { default: 20, min: 0, max: 100 })
  httpClientRetryBudgetPercent!: number;

  @EnvInteger('HTTP_CLIENT_BREAKER_ERROR_PERCENT', { default: 50, min: 1, max: 100 })
  httpClientBreakerErrorPercent!: number;

  @EnvInteger('HTTP_CLIENT_BREAKER_MIN_REQUESTS', { default: 10, min: 1, max: 100000 })
  httpClientBreakerMinRequests!: number;

  @EnvInteger('HTTP_CLIENT_BREAKER_RESET_MS', { default: 10000, min: 100, max: 600000 })
  httpClientBreakerResetMs!: number;
}

export { fullJitterBackoffMs, parseRetryAfterMs } from './backoff';
export { BillingClient } from './billing.client';
export type { BalanceCheckOutcome, BillingClientOptions } from './billing.client';
export { HttpClient } from './http-client';
export type { HttpClientDependencies } from './http-client';
export {
  CircuitOpenError,
  DependencyUnavailableError,
  HttpClientError,
  HttpNetworkError,
  HttpRequestError,
  HttpServerError,
  HttpTimeoutError,
} from './http-client.errors';
export type { HttpCallOutcome, HttpErrorAnswer, HttpRequestErrorContext } from './http-client.errors';
export type { CircuitState } from './http-client.metrics';
export { HttpClientModule } from './http-client.module';
export { httpClientPolicyFromConfig } from './http-client.policy';
export type { HttpClientPolicy, HttpTarget } from './http-client.policy';
export { HttpClientRegistry } from './http-client.registry';
export { fillRoute, IDEMPOTENT_METHODS } from './http-request';
export type { HttpMethod, HttpRequestOptions, HttpResponse, QueryParams, RouteParams } from './http-request';
export { QuotaClient } from './quota.client';
export type { QuotaCheckOutcome, QuotaClientOptions } from './quota.client';
export { RetryBudget } from './retry-budget';
export type { RetryBudgetOptions } from './retry-budget';
export type { CheckResult, DeliveryOutcome, UnavailabilityPolicy } from './service-client';
export { HttpClientConfig } from './http-client.config';
export { ServiceClientsConfig } from './service-clients.config';

export { HttpClient } from './http-client';
export {
  CircuitOpenError,
  DependencyUnavailableError,
  HttpClientError,
  HttpNetworkError,
  HttpRequestError,
  HttpServerError,
  HttpTimeoutError,
  httpAnswerError,
} from './http-client.errors';
export type { HttpClientPolicy } from './http-client.policy';
export { HttpClientRegistry } from './http-client.registry';
export { ServiceClient } from './service-client';
export type { CheckResult, DeliveryOutcome, UnavailabilityPolicy } from './service-client';
export { networkCode, parseJson, readBoundedText, retryAfterMs } from './vendor-response';

import { AppError } from '../errors/app-error';

/** How a call ended, as a metric label and as the `outcome` of every HttpRequestError. */
export type HttpCallOutcome =
  'success' | 'client_error' | 'server_error' | 'timeout' | 'network_error' | 'circuit_open';

export interface HttpRequestErrorContext {
  target: string;
  method: string;
  route: string;
  /** Attempts made, the failing one included (0 when the breaker refused the first). */
  attempts: number;
}

/**
 * Base of every error HttpClient throws. `retryable` says whether another attempt could succeed;
 * `targetUnavailable` whether the target failed (down, slow, overloaded) rather than refused the
 * request — the typed clients decide deny/allow/defer on that.
 */
export abstract class HttpRequestError extends Error {
  abstract readonly outcome: Exclude<HttpCallOutcome, 'success'>;
  abstract readonly retryable: boolean;
  /** True when the failure should count against the target in its circuit breaker. */
  abstract readonly countsAsTargetFailure: boolean;
  readonly target: string;
  readonly method: string;
  readonly route: string;
  readonly attempts: number;
  /** How long the target asked us to wait (Retry-After, or the breaker's remaining open time). */
  readonly retryAfterMs?: number;

  protected constructor(
    message: string,
    context: HttpRequestErrorContext,
    retryAfterMs?: number,
    cause?: unknown,
  ) {
    super(
      `${context.method} ${context.target}/${context.route}: ${message}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = new.target.name;
    this.target = context.target;
    this.method = context.method;
    this.route = context.route;
    this.attempts = context.attempts;
    this.retryAfterMs = retryAfterMs;
  }

  get targetUnavailable(): boolean {
    return this.countsAsTargetFailure || this.retryable || this.outcome === 'circuit_open';
  }
}

/** An attempt outlived the per-attempt timeout, or the call outlived its overall deadline. */
export class HttpTimeoutError extends HttpRequestError {
  readonly outcome = 'timeout';
  readonly countsAsTargetFailure = true;

  constructor(
    readonly scope: 'attempt' | 'deadline',
    readonly timeoutMs: number,
    context: HttpRequestErrorContext,
  ) {
    super(`${scope === 'attempt' ? 'attempt' : 'deadline'} of ${timeoutMs} ms exceeded`, context);
  }

  // A spent deadline leaves no time for another attempt; an attempt timeout may be a slow blip.
  get retryable(): boolean {
    return this.scope === 'attempt';
  }
}

/** The target's circuit breaker is open (or half-open with its probe in flight): not called at all. */
export class CircuitOpenError extends HttpRequestError {
  readonly outcome = 'circuit_open';
  readonly retryable = false;
  readonly countsAsTargetFailure = false;

  constructor(context: HttpRequestErrorContext, retryAfterMs: number) {
    super('circuit breaker is open', context, retryAfterMs);
  }
}

/** No HTTP answer: connection refused or reset, DNS failure, socket closed mid-response. */
export class HttpNetworkError extends HttpRequestError {
  readonly outcome = 'network_error';
  readonly retryable = true;
  readonly countsAsTargetFailure = true;

  constructor(
    /** The system error code when known, e.g. ECONNREFUSED. */
    readonly code: string | undefined,
    context: HttpRequestErrorContext,
    cause: unknown,
  ) {
    super(`network error${code ? ` (${code})` : ''}`, context, undefined, cause);
  }
}

/** The answer's status, stable code and message, read from the callee's `{code, message}` body. */
export interface HttpErrorAnswer {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  /** The callee's request id, for finding its logs. */
  requestId?: string;
  retryAfterMs?: number;
}

const RETRYABLE_CLIENT_STATUSES = new Set([408, 429]);

/**
 * A 4xx answer: the callee refused this request. Not retried (except 408 and 429, which say
 * "later") and not counted by the breaker, since the target is up and answering.
 */
export class HttpClientError extends HttpRequestError {
  readonly outcome = 'client_error';
  readonly countsAsTargetFailure = false;
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  readonly remoteRequestId?: string;

  constructor(answer: HttpErrorAnswer, context: HttpRequestErrorContext) {
    super(`${answer.status} ${answer.code}: ${answer.message}`, context, answer.retryAfterMs);
    this.status = answer.status;
    this.code = answer.code;
    this.details = answer.details;
    this.remoteRequestId = answer.requestId;
  }

  get retryable(): boolean {
    return RETRYABLE_CLIENT_STATUSES.has(this.status);
  }
}

/**
 * The error an answer with this status raises: a 4xx is the callee's refusal, anything else its
 * failure. Also how a batch call's failed item becomes the error that item alone would have raised.
 */
export function httpAnswerError(
  answer: HttpErrorAnswer,
  context: HttpRequestErrorContext,
): HttpClientError | HttpServerError {
  return answer.status >= 400 && answer.status < 500
    ? new HttpClientError(answer, context)
    : new HttpServerError(answer, context);
}

const RETRYABLE_SERVER_STATUSES = new Set([500, 502, 503, 504]);

/** A 5xx answer, or a 2xx whose body could not be read: the target failed. */
export class HttpServerError extends HttpRequestError {
  readonly outcome = 'server_error';
  readonly countsAsTargetFailure = true;
  readonly status: number;
  readonly code: string;
  readonly remoteRequestId?: string;

  constructor(answer: HttpErrorAnswer, context: HttpRequestErrorContext) {
    super(`${answer.status} ${answer.code}: ${answer.message}`, context, answer.retryAfterMs);
    this.status = answer.status;
    this.code = answer.code;
    this.remoteRequestId = answer.requestId;
  }

  get retryable(): boolean {
    return RETRYABLE_SERVER_STATUSES.has(this.status);
  }
}

/**
 * Thrown by a strict typed-client call (e.g. device-service's balance check under
 * BALANCE_CHECK_WHEN_UNAVAILABLE=deny) when its target is unavailable. An AppError, so left uncaught it answers 503
 * DEPENDENCY_UNAVAILABLE with Retry-After when the target or its breaker said how long to wait.
 */
export class DependencyUnavailableError extends AppError {
  constructor(
    readonly dependency: string,
    readonly operation: string,
    readonly failure: HttpRequestError,
  ) {
    super(
      'DEPENDENCY_UNAVAILABLE',
      503,
      `${dependency} is unavailable; try again shortly`,
      { dependency, operation, reason: failure.outcome },
      failure.retryAfterMs === undefined
        ? undefined
        : { 'Retry-After': String(Math.max(1, Math.ceil(failure.retryAfterMs / 1000))) },
    );
    this.name = 'DependencyUnavailableError';
  }
}

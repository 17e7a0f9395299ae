import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { Agent, request } from 'undici';
import { HTTP_HEADERS } from '@cloudphone/contracts';
import { RequestContext } from '../logging/request-context';
import type { MetricsService } from '../metrics/metrics.service';
import { fullJitterBackoffMs, parseRetryAfterMs } from './backoff';
import {
  CircuitOpenError,
  type HttpErrorAnswer,
  HttpClientError,
  HttpNetworkError,
  HttpRequestError,
  type HttpRequestErrorContext,
  HttpServerError,
  httpAnswerError,
  HttpTimeoutError,
} from './http-client.errors';
import { type CircuitState, HttpClientMetrics } from './http-client.metrics';
import type { HttpClientPolicy } from './http-client.policy';
import {
  fillRoute,
  IDEMPOTENT_METHODS,
  type HttpMethod,
  type HttpRequestOptions,
  type HttpResponse,
} from './http-request';
import { RetryBudget } from './retry-budget';

export interface HttpClientDependencies {
  metrics: MetricsService;
  /** The bearer token sent with every attempt: this service's service token. */
  serviceToken?: () => string;
  /** Source of jitter; tests may pin it. */
  random?: () => number;
}

type AttemptRun = () => Promise<HttpResponse<unknown>>;

/** Everything one call needs across its attempts. */
interface Call {
  method: HttpMethod;
  route: string;
  url: string;
  body: string | undefined;
  headers: Record<string, string>;
  requestId: string;
  deadlineMs: number;
  deadlineAt: number;
  deadline: AbortSignal;
  attemptTimeoutMs: number;
  maxRetries: number;
}

const BREAKER_REJECTIONS = new Set(['EOPENBREAKER', 'ESHUTDOWN']);
const ERROR_TEXT_LIMIT = 200;

/**
 * Calls one target service. One instance per target (HttpClientRegistry sees to it), so the
 * circuit breaker and the retry budget see all the traffic to that target, never one request.
 *
 * A call gets an overall deadline; each attempt a timeout within it. Failed attempts are retried
 * with full-jitter exponential backoff (or after the target's Retry-After) only when repeating is
 * safe — an idempotent method, an Idempotency-Key, or `idempotent: true` — and only while the
 * target's retry budget allows. Each attempt goes through the breaker: 5xx, timeouts and network
 * errors count as failures, 4xx do not (the target answered). Errors are typed (see
 * http-client.errors.ts); every attempt carries the service token and the caller's request id.
 */
export class HttpClient {
  /** The base URL every route is resolved against, always ending with `/`. */
  readonly baseUrl: string;
  private readonly breaker: CircuitBreaker<[AttemptRun], HttpResponse<unknown>>;
  private readonly retryBudget: RetryBudget;
  private readonly metrics: HttpClientMetrics;
  private readonly logger = new Logger('HttpClient');
  private readonly random: () => number;
  // undici's request() on a keep-alive agent per target: several times cheaper per call than fetch,
  // which matters on a path (allocate) that makes two calls per request.
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
  private openedAt = 0;

  constructor(
    readonly name: string,
    baseUrl: string,
    readonly policy: HttpClientPolicy,
    private readonly dependencies: HttpClientDependencies,
  ) {
    this.baseUrl = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    this.metrics = new HttpClientMetrics(dependencies.metrics);
    this.random = dependencies.random ?? Math.random;
    this.retryBudget = new RetryBudget({
      ratio: policy.retryBudgetRatio,
      minRetriesPerWindow: policy.retryBudgetMinRetries,
      windowMs: policy.retryBudgetWindowMs,
    });
    this.breaker = new CircuitBreaker((run: AttemptRun) => run(), {
      name,
      // Timeouts are ours (per attempt, with an AbortSignal that really cancels the request).
      timeout: false,
      errorThresholdPercentage: policy.breakerErrorPercent,
      volumeThreshold: policy.breakerMinRequests,
      resetTimeout: policy.breakerResetMs,
      rollingCountTimeout: policy.breakerWindowMs,
      rollingCountBuckets: 10,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => error instanceof HttpRequestError && !error.countsAsTargetFailure,
    });
    this.watchBreaker();
  }

  /** Sends a request under the target's policy; resolves for 2xx, throws an HttpRequestError otherwise. */
  async request<T>(options: HttpRequestOptions): Promise<HttpResponse<T>> {
    const deadlineController = new AbortController();
    const call = this.prepare(options, deadlineController.signal);
    const deadlineTimer = setTimeout(() => deadlineController.abort(), call.deadlineMs);
    this.retryBudget.recordRequest();
    try {
      const response = await this.attemptWithRetries(call);
      this.metrics.request(this.name, call.method, call.route, 'success', response.status);
      return response as HttpResponse<T>;
    } catch (error) {
      if (error instanceof HttpRequestError) {
        const status =
          error instanceof HttpClientError || error instanceof HttpServerError ? error.status : undefined;
        this.metrics.request(this.name, call.method, call.route, error.outcome, status);
      }
      throw error;
    } finally {
      clearTimeout(deadlineTimer);
    }
  }

  /** GET and return the parsed body. */
  async get<T>(route: string, options: Omit<HttpRequestOptions, 'method' | 'route'> = {}): Promise<T> {
    return (await this.request<T>({ ...options, method: 'GET', route })).body;
  }

  /** POST a JSON body and return the parsed answer. */
  async post<T>(
    route: string,
    body: unknown,
    options: Omit<HttpRequestOptions, 'method' | 'route' | 'body'> = {},
  ): Promise<T> {
    return (await this.request<T>({ ...options, method: 'POST', route, body })).body;
  }

  circuitState(): CircuitState {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half_open';
    return 'closed';
  }

  /** Stops the breaker's timers; later calls fail with CircuitOpenError. */
  /** Stops the breaker and closes the kept-alive connections. */
  async shutdown(): Promise<void> {
    this.breaker.shutdown();
    await this.agent.close();
  }

  private prepare(options: HttpRequestOptions, deadline: AbortSignal): Call {
    const deadlineMs = options.deadlineMs ?? this.policy.deadlineMs;
    const url = new URL(fillRoute(options.route, options.params), this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const repeatable =
      IDEMPOTENT_METHODS.has(options.method) ||
      options.idempotencyKey !== undefined ||
      options.idempotent === true;
    const requestId = RequestContext.requestId() ?? randomUUID();
    const headers: Record<string, string> = {
      ...options.headers,
      accept: 'application/json',
      [HTTP_HEADERS.requestId]: requestId,
    };
    if (options.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    else if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey !== undefined) headers[HTTP_HEADERS.idempotencyKey] = options.idempotencyKey;
    return {
      method: options.method,
      route: options.route,
      url: url.toString(),
      body: requestBody(options),
      headers,
      requestId,
      deadlineMs,
      deadlineAt: performance.now() + deadlineMs,
      deadline,
      attemptTimeoutMs: Math.min(options.attemptTimeoutMs ?? this.policy.attemptTimeoutMs, deadlineMs),
      maxRetries: repeatable ? (options.maxRetries ?? this.policy.maxRetries) : 0,
    };
  }

  private async attemptWithRetries(call: Call): Promise<HttpResponse<unknown>> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(call, attempt);
      } catch (error) {
        if (!(error instanceof HttpRequestError)) throw error;
        const delayMs = this.retryDelayMs(error, call, attempt);
        if (delayMs === undefined) throw error;
        this.metrics.retry(this.name, error.outcome);
        try {
          await sleep(delayMs, undefined, { signal: call.deadline });
        } catch {
          throw new HttpTimeoutError('deadline', call.deadlineMs, this.context(call, attempt));
        }
      }
    }
  }

  private async attempt(call: Call, attempt: number): Promise<HttpResponse<unknown>> {
    try {
      return await this.breaker.fire(() => this.send(call, attempt));
    } catch (error) {
      if (BREAKER_REJECTIONS.has((error as { code?: string }).code ?? '')) {
        const retryAfterMs = Math.max(0, this.openedAt + this.policy.breakerResetMs - Date.now());
        throw new CircuitOpenError(this.context(call, attempt - 1), retryAfterMs);
      }
      throw error;
    }
  }

  /** One HTTP exchange, bounded by the attempt timeout and the call's deadline. */
  private async send(call: Call, attempt: number): Promise<HttpResponse<unknown>> {
    const context = this.context(call, attempt);
    const remainingMs = call.deadlineAt - performance.now();
    const timeoutMs = Math.max(1, Math.min(call.attemptTimeoutMs, remainingMs));
    const attemptTimeout = new AbortController();
    const timer = setTimeout(() => attemptTimeout.abort(), timeoutMs);
    const startedAt = performance.now();
    let outcome: HttpRequestError['outcome'] | 'success' = 'success';
    try {
      const headers = { ...call.headers };
      const token = this.dependencies.serviceToken?.();
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await request(call.url, {
        method: call.method,
        headers,
        body: call.body,
        signal: AbortSignal.any([attemptTimeout.signal, call.deadline]),
        dispatcher: this.agent,
      });
      const text = await response.body.text();
      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        return {
          status,
          headers: response.headers,
          body: parseBody(text, context, status),
          attempts: attempt,
          requestId: call.requestId,
        };
      }
      const retryAfter = response.headers[HTTP_HEADERS.retryAfter];
      const answer = errorAnswer(
        status,
        text,
        parseRetryAfterMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
      );
      throw httpAnswerError(answer, context);
    } catch (error) {
      const failure = this.classify(error, call, context, attemptTimeout.signal, timeoutMs);
      outcome = failure.outcome;
      throw failure;
    } finally {
      clearTimeout(timer);
      this.metrics.attempt(
        this.name,
        call.method,
        call.route,
        outcome,
        (performance.now() - startedAt) / 1000,
      );
    }
  }

  private classify(
    error: unknown,
    call: Call,
    context: HttpRequestErrorContext,
    attemptSignal: AbortSignal,
    timeoutMs: number,
  ): HttpRequestError {
    if (error instanceof HttpRequestError) return error;
    // An attempt timeout shortened to fit the remaining deadline is the deadline running out.
    if (call.deadline.aborted || (attemptSignal.aborted && timeoutMs < call.attemptTimeoutMs)) {
      return new HttpTimeoutError('deadline', call.deadlineMs, context);
    }
    if (attemptSignal.aborted) return new HttpTimeoutError('attempt', call.attemptTimeoutMs, context);
    return new HttpNetworkError(systemErrorCode(error), context, error);
  }

  /** The wait before the next attempt, or undefined when this failure must not be retried. */
  private retryDelayMs(failure: HttpRequestError, call: Call, attempt: number): number | undefined {
    if (!failure.retryable || attempt > call.maxRetries) return undefined;
    const delayMs =
      failure.retryAfterMs ??
      fullJitterBackoffMs(attempt, this.policy.backoffBaseMs, this.policy.backoffMaxMs, this.random);
    // Waiting past the deadline would only turn this answer into a timeout.
    if (performance.now() + delayMs >= call.deadlineAt) {
      this.metrics.retrySuppressed(this.name, 'deadline');
      return undefined;
    }
    if (!this.retryBudget.tryAcquireRetry()) {
      this.metrics.retrySuppressed(this.name, 'budget');
      return undefined;
    }
    return delayMs;
  }

  private context(call: Call, attempts: number): HttpRequestErrorContext {
    return { target: this.name, method: call.method, route: call.route, attempts };
  }

  private watchBreaker(): void {
    this.metrics.circuit(this.name, 'closed');
    this.breaker.on('open', () => {
      this.openedAt = Date.now();
      this.metrics.circuit(this.name, 'open');
      this.logger.warn({ msg: 'Circuit opened', target: this.name, resetMs: this.policy.breakerResetMs });
    });
    this.breaker.on('halfOpen', () => {
      this.metrics.circuit(this.name, 'half_open');
      this.logger.log({ msg: 'Circuit half-open: probing', target: this.name });
    });
    this.breaker.on('close', () => {
      this.metrics.circuit(this.name, 'closed');
      this.logger.log({ msg: 'Circuit closed', target: this.name });
    });
  }
}

function requestBody(options: HttpRequestOptions): string | undefined {
  if (options.form !== undefined) {
    return new URLSearchParams(options.form.map(([key, value]): [string, string] => [key, value])).toString();
  }
  return options.body === undefined ? undefined : JSON.stringify(options.body);
}

function parseBody(text: string, context: HttpRequestErrorContext, status: number): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpServerError(
      { status, code: 'INVALID_RESPONSE_BODY', message: 'the answer is not JSON' },
      context,
    );
  }
}

/** Reads the callee's `{code, message, details?, requestId?}` error body, tolerating any other. */
function errorAnswer(status: number, text: string, retryAfterMs: number | undefined): HttpErrorAnswer {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.code === 'string' && typeof body.message === 'string') {
      return {
        status,
        code: body.code,
        message: body.message,
        details: body.details,
        requestId: typeof body.requestId === 'string' ? body.requestId : undefined,
        retryAfterMs,
      };
    }
    // A vendor's own JSON error (Stripe's `{error: {type, code}}`) is kept whole for its driver.
    return {
      status,
      code: `HTTP_${status}`,
      message: text.slice(0, ERROR_TEXT_LIMIT),
      details: body,
      retryAfterMs,
    };
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall through.
  }
  return {
    status,
    code: `HTTP_${status}`,
    message: text.slice(0, ERROR_TEXT_LIMIT) || 'no body',
    retryAfterMs,
  };
}

function systemErrorCode(error: unknown): string | undefined {
  // The socket error's code, possibly wrapped (e.g. `{ cause: { code: 'ECONNREFUSED' } }`).
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}

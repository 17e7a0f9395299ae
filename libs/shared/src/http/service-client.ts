import { Logger } from '@nestjs/common';
import type { MetricsService } from '../metrics/metrics.service';
import type { HttpClient } from './http-client';
import { DependencyUnavailableError, HttpClientError, HttpRequestError } from './http-client.errors';
import { type DegradationResult, HttpClientMetrics } from './http-client.metrics';

/** Refusals that say the caller's request was malformed or unauthenticated, not the report's content. */
const OUR_FAULT_STATUSES = new Set([400, 401, 405, 413, 415]);

/** What a check does when its target is unavailable: refuse (503) or let the action through. */
export type UnavailabilityPolicy = 'deny' | 'allow';

/**
 * The result of a lenient call (a usage report). `deferred`: the target was unavailable, keep the
 * report and send it again later (the call is idempotent, so resending is safe). `rejected`: the
 * target refused it with a 4xx; resending the same body will not help.
 */
export type DeliveryOutcome<T> =
  | { status: 'delivered'; response: T }
  | { status: 'deferred'; failure: HttpRequestError; retryAfterMs?: number }
  | { status: 'rejected'; failure: HttpClientError };

/** A check answered by the target, or waved through by an `allow` policy while it is unavailable. */
export type CheckResult<T> = { degraded: false; response: T } | { degraded: true; failure: HttpRequestError };

/**
 * Base of the typed clients: the three ways a call may treat an unavailable target
 * (strict → DependencyUnavailableError, a check under a deny/allow policy, lenient → deferred),
 * each logged and counted in `cloudphone_http_client_degraded_calls_total`.
 */
export abstract class ServiceClient {
  private readonly logger: Logger;
  private readonly metrics: HttpClientMetrics;

  protected constructor(
    protected readonly http: HttpClient,
    metrics: MetricsService,
  ) {
    this.logger = new Logger(new.target.name);
    this.metrics = new HttpClientMetrics(metrics);
  }

  /** The target's answer; when it is unavailable, DependencyUnavailableError (503). 4xx errors pass through. */
  protected async strictCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.unavailableOrRethrow(error, operation);
    }
  }

  /** A read-only check under `policy`: when the target is unavailable, deny (503) or allow. */
  protected async policyCheck<T>(
    operation: string,
    policy: UnavailabilityPolicy,
    call: () => Promise<T>,
  ): Promise<CheckResult<T>> {
    try {
      return { degraded: false, response: await call() };
    } catch (error) {
      if (policy === 'deny' || !(error instanceof HttpRequestError) || !error.targetUnavailable) {
        throw this.unavailableOrRethrow(error, operation);
      }
      this.degraded(operation, 'allowed', error);
      return { degraded: true, failure: error };
    }
  }

  /** A report that must not be lost: an unavailable target gives `deferred` for the caller to keep. */
  protected async lenientCall<T>(operation: string, call: () => Promise<T>): Promise<DeliveryOutcome<T>> {
    try {
      return { status: 'delivered', response: await call() };
    } catch (error) {
      if (error instanceof HttpClientError && !error.targetUnavailable) {
        // A verdict on the report (quota exceeded, user suspended) is routine and the caller
        // answers it; a request the target could not read or did not accept from us is a defect.
        const level = OUR_FAULT_STATUSES.has(error.status) ? 'error' : 'log';
        this.logger[level]({
          msg: 'Report refused by its target',
          target: this.http.name,
          operation,
          status: error.status,
          code: error.code,
          err: error.message,
        });
        return { status: 'rejected', failure: error };
      }
      if (!(error instanceof HttpRequestError)) throw error;
      this.degraded(operation, 'deferred', error);
      return { status: 'deferred', failure: error, retryAfterMs: error.retryAfterMs };
    }
  }

  /** Counts how many calls one request carried (`cloudphone_http_client_batch_items`). */
  protected batchSent(operation: string, items: number): void {
    this.metrics.batch(this.http.name, operation, items);
  }

  private unavailableOrRethrow(error: unknown, operation: string): unknown {
    if (!(error instanceof HttpRequestError) || !error.targetUnavailable) return error;
    this.degraded(operation, 'denied', error);
    return new DependencyUnavailableError(this.http.name, operation, error);
  }

  private degraded(operation: string, result: DegradationResult, failure: HttpRequestError): void {
    this.metrics.degradation(this.http.name, operation, result);
    this.logger.warn({
      msg: `${this.http.name} unavailable: ${operation} ${result}`,
      target: this.http.name,
      operation,
      reason: failure.outcome,
      attempts: failure.attempts,
      err: failure.message,
    });
  }
}

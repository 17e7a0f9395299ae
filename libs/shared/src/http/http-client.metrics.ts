import type { Counter, Gauge, Histogram } from 'prom-client';
import type { MetricsService } from '../metrics/metrics.service';
import type { HttpCallOutcome } from './http-client.errors';

export type CircuitState = 'closed' | 'half_open' | 'open';

const CIRCUIT_STATE_VALUES: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/** Result of a typed-client call that met an unavailable target. */
export type DegradationResult = 'denied' | 'allowed' | 'deferred';

/** The HTTP client's Prometheus metrics, labelled by target service. */
export class HttpClientMetrics {
  private readonly requests: Counter<'target' | 'method' | 'route' | 'outcome' | 'status'>;
  private readonly attemptDuration: Histogram<'target' | 'method' | 'route' | 'outcome'>;
  private readonly retries: Counter<'target' | 'reason'>;
  private readonly retriesSuppressed: Counter<'target' | 'reason'>;
  private readonly circuitState: Gauge<'target'>;
  private readonly degraded: Counter<'target' | 'operation' | 'result'>;
  private readonly batchItems: Histogram<'target' | 'operation'>;

  constructor(metrics: MetricsService) {
    this.requests = metrics.counter({
      name: 'cloudphone_http_client_requests_total',
      help: 'Outgoing service calls by target, route and final outcome (after retries)',
      labelNames: ['target', 'method', 'route', 'outcome', 'status'],
    });
    this.attemptDuration = metrics.histogram({
      name: 'cloudphone_http_client_attempt_duration_seconds',
      help: 'Duration of each attempt of an outgoing service call',
      labelNames: ['target', 'method', 'route', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.retries = metrics.counter({
      name: 'cloudphone_http_client_retries_total',
      help: 'Retries of outgoing service calls, by the outcome that caused them',
      labelNames: ['target', 'reason'],
    });
    this.retriesSuppressed = metrics.counter({
      name: 'cloudphone_http_client_retries_suppressed_total',
      help: 'Retryable failures not retried because the retry budget or the deadline was spent',
      labelNames: ['target', 'reason'],
    });
    this.circuitState = metrics.gauge({
      name: 'cloudphone_http_client_circuit_state',
      help: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open',
      labelNames: ['target'],
    });
    this.degraded = metrics.counter({
      name: 'cloudphone_http_client_degraded_calls_total',
      help: 'Typed-client calls that met an unavailable target, by what the degradation policy did',
      labelNames: ['target', 'operation', 'result'],
    });
    this.batchItems = metrics.histogram({
      name: 'cloudphone_http_client_batch_items',
      help: 'Calls of a typed client that rode together, per request sent (1: the call went alone)',
      labelNames: ['target', 'operation'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 100],
    });
  }

  request(target: string, method: string, route: string, outcome: HttpCallOutcome, status?: number): void {
    this.requests.inc({ target, method, route, outcome, status: status === undefined ? '' : String(status) });
  }

  attempt(target: string, method: string, route: string, outcome: HttpCallOutcome, seconds: number): void {
    this.attemptDuration.observe({ target, method, route, outcome }, seconds);
  }

  retry(target: string, reason: HttpCallOutcome): void {
    this.retries.inc({ target, reason });
  }

  retrySuppressed(target: string, reason: 'budget' | 'deadline'): void {
    this.retriesSuppressed.inc({ target, reason });
  }

  circuit(target: string, state: CircuitState): void {
    this.circuitState.set({ target }, CIRCUIT_STATE_VALUES[state]);
  }

  batch(target: string, operation: string, items: number): void {
    this.batchItems.observe({ target, operation }, items);
  }

  degradation(target: string, operation: string, result: DegradationResult): void {
    this.degraded.inc({ target, operation, result });
  }
}

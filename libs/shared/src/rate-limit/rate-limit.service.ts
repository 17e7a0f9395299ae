import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { Counter } from 'prom-client';
import type { Principal } from '../auth/principal';
import { cacheKey, sanitizeCacheKey } from '../cache/cache-key.template';
import type { MetricsService } from '../metrics/metrics.service';
import { RedisCircuitBreaker } from '../redis/redis-circuit-breaker';
import type { RateLimitOptions, StoreDownPolicy } from './rate-limit.decorators';
import { RateLimitErrors } from './rate-limit.errors';
import type { RateLimitCheck, RateLimitState, RateLimitStore, RateLimitVerdict } from './rate-limit.store';

export interface RateLimitServiceOptions {
  serviceName: string;
  store: RateLimitStore;
  metrics: MetricsService;
  /** The default limit of write routes (points 0 = none). */
  writeLimit: { points: number; windowMs: number };
  onStoreDown: StoreDownPolicy;
  breakerFailureThreshold: number;
  breakerOpenMs: number;
}

export interface RateLimitedCall {
  request: Request;
  principal: Principal | undefined;
  /** `Controller.handler`: scopes per-route budgets and labels metrics. */
  routeId: string;
  limits: readonly RateLimitOptions[];
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Turns a route's limits into store checks (keys per service, route and caller), applies the
 * verdict (headers, 429, store-down policy) and counts outcomes. The store sits behind a breaker so
 * a dead Redis costs nothing per request once the breaker has opened.
 */
export class RateLimitService {
  private readonly breaker: RedisCircuitBreaker;
  private readonly decisions: Counter<'route' | 'outcome'>;
  private readonly storeErrors: Counter;
  private readonly logger = new Logger('RateLimit');
  private lastErrorLoggedAt = 0;

  constructor(private readonly options: RateLimitServiceOptions) {
    this.breaker = new RedisCircuitBreaker({
      failureThreshold: options.breakerFailureThreshold,
      openMs: options.breakerOpenMs,
      onStateChange: (state) => this.logger.log({ msg: 'rate-limit store circuit changed state', state }),
    });
    this.decisions = options.metrics.counter({
      name: 'cloudphone_rate_limit_decisions_total',
      help: 'Rate-limit decisions by route and outcome (allowed, limited, store_down_allowed, store_down_refused)',
      labelNames: ['route', 'outcome'],
    });
    this.storeErrors = options.metrics.counter({
      name: 'cloudphone_rate_limit_store_errors_total',
      help: 'Rate-limit store calls that failed or were skipped by the open breaker',
    });
  }

  /** The limits for a route without its own: the default write limit for user and anonymous writes. */
  defaultLimits(method: string, principal: Principal | undefined): RateLimitOptions[] {
    const { points, windowMs } = this.options.writeLimit;
    if (points === 0 || !WRITE_METHODS.has(method.toUpperCase()) || principal?.kind === 'service') return [];
    return [{ points, windowMs, by: 'user', name: 'writes' }];
  }

  /** Spends one point of every limit; returns the RateLimit-* headers or throws 429/503. */
  async enforce(call: RateLimitedCall): Promise<Record<string, string>> {
    const checks = call.limits.map((limit) => this.checkFor(limit, call));
    if (!this.breaker.allowRequest()) return this.storeDown(call, 'circuit open after store errors');
    let verdict: RateLimitVerdict;
    try {
      verdict = await this.options.store.consume(checks);
      this.breaker.recordSuccess();
    } catch (error) {
      this.breaker.recordFailure();
      return this.storeDown(call, error);
    }
    if (verdict.allowed) {
      this.decisions.inc({ route: call.routeId, outcome: 'allowed' });
      return headersFor(verdict.states);
    }
    this.decisions.inc({ route: call.routeId, outcome: 'limited' });
    const blocking = verdict.states.filter((state) => state.remaining === 0);
    throw RateLimitErrors.limited(
      Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)),
      headersFor(blocking.length > 0 ? blocking : verdict.states),
    );
  }

  private storeDown(call: RateLimitedCall, error: unknown): Record<string, string> {
    this.storeErrors.inc();
    const now = Date.now();
    if (now - this.lastErrorLoggedAt > 5000) {
      this.lastErrorLoggedAt = now;
      this.logger.warn({
        msg: 'rate-limit store unavailable; applying each route’s policy',
        error: String(error),
      });
    }
    const closed = call.limits.some((limit) => (limit.onStoreDown ?? this.options.onStoreDown) === 'closed');
    this.decisions.inc({
      route: call.routeId,
      outcome: closed ? 'store_down_refused' : 'store_down_allowed',
    });
    if (closed) throw RateLimitErrors.storeUnavailable();
    return {};
  }

  private checkFor(limit: RateLimitOptions, call: RateLimitedCall): RateLimitCheck {
    const scope = limit.name ?? `${call.routeId}:${limit.points}:${limit.windowMs}`;
    const key = sanitizeCacheKey(cacheKey(this.options.serviceName, scope, ...subjectOf(limit, call)));
    return { key, points: limit.points, windowMs: limit.windowMs };
  }
}

/** Whose budget a call spends, as key parts: a kind, then the subject's own (escaped) value. */
function subjectOf(limit: RateLimitOptions, { request, principal }: RateLimitedCall): string[] {
  const by = limit.by ?? 'user';
  if (typeof by === 'function') return ['c', by(request, principal)];
  if (by === 'route') return ['all'];
  if (by === 'user' && principal)
    return principal.kind === 'user' ? ['u', principal.userId] : ['s', principal.service];
  return ['ip', request.ip ?? request.socket.remoteAddress ?? 'unknown'];
}

/** Headers for the most restrictive limit: fewest remaining, then the longest wait. */
function headersFor(states: readonly RateLimitState[]): Record<string, string> {
  const tightest = states.reduce((worst, state) =>
    state.remaining < worst.remaining ||
    (state.remaining === worst.remaining && state.resetMs > worst.resetMs)
      ? state
      : worst,
  );
  return {
    'RateLimit-Limit': String(tightest.limit),
    'RateLimit-Remaining': String(tightest.remaining),
    'RateLimit-Reset': String(Math.max(0, Math.ceil(tightest.resetMs / 1000))),
  };
}

import type { Request } from 'express';
import type { Principal } from '../auth/principal';
import { ApiNotRateLimited } from '../openapi/api-error-responses.decorator';

/** Whose budget a request spends: the caller (user, else IP), the client IP, the route as a whole, or a key of your own. */
export type RateLimitSubject =
  'user' | 'ip' | 'route' | ((request: Request, principal: Principal | undefined) => string);

export type StoreDownPolicy = 'open' | 'closed';

export interface RateLimitOptions {
  points: number;
  windowMs: number;
  /** Default 'user' (the authenticated user or service; the client IP when anonymous). */
  by?: RateLimitSubject;
  /** When the store (Redis) is unreachable: let requests through ('open') or refuse them with 503 ('closed'). Default RATE_LIMIT_ON_STORE_DOWN. */
  onStoreDown?: StoreDownPolicy;
  /** Limits sharing a name share one budget across routes; by default each route has its own. */
  name?: string;
}

export const RATE_LIMITS = 'cloudphone:rate-limits';
export const SKIP_RATE_LIMIT = 'cloudphone:skip-rate-limit';

/**
 * Limits a route (or every route of a controller) with an exact sliding window. Repeat it for
 * several limits (e.g. 10 per second and 500 per hour): all are checked and committed together, and
 * a refused request spends none of them. Replaces the default write limit on that route.
 */
export function RateLimit(options: RateLimitOptions): MethodDecorator & ClassDecorator {
  if (!Number.isInteger(options.points) || options.points < 1) {
    throw new Error(`@RateLimit: points must be a positive integer (got ${options.points})`);
  }
  if (!Number.isFinite(options.windowMs) || options.windowMs < 1) {
    throw new Error(`@RateLimit: windowMs must be at least 1 (got ${options.windowMs})`);
  }
  return (target: object, _property?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder: object = descriptor ? (descriptor.value as object) : target;
    const existing = (Reflect.getOwnMetadata(RATE_LIMITS, holder) as RateLimitOptions[] | undefined) ?? [];
    Reflect.defineMetadata(RATE_LIMITS, [...existing, options], holder);
  };
}

/** No rate limit on this route or controller, not even the default write limit. */
export function SkipRateLimit(): MethodDecorator & ClassDecorator {
  return (target: object, property?: string | symbol, descriptor?: PropertyDescriptor) => {
    Reflect.defineMetadata(SKIP_RATE_LIMIT, true, descriptor ? (descriptor.value as object) : target);
    ApiNotRateLimited()(target, property, descriptor);
  };
}

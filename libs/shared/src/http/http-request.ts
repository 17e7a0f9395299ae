export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** Methods whose repetition has the same effect as one call (RFC 9110 §9.2.2), so retries are safe. */
export const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set([
  'GET',
  'HEAD',
  'PUT',
  'DELETE',
  'OPTIONS',
]);

export type RouteParams = Record<string, string | number>;
export type QueryParams = Record<string, string | number | boolean | undefined>;

export interface HttpRequestOptions {
  method: HttpMethod;
  /** A route template from @cloudphone/contracts, e.g. USER_ROUTES.quota (`quotas/:userId`). */
  route: string;
  params?: RouteParams;
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
  /**
   * Sent as `application/x-www-form-urlencoded` instead of `body`, in this order (a vendor API that
   * takes forms, such as Stripe's; nested keys are written by the caller, e.g. `metadata[id]`).
   */
  form?: ReadonlyArray<readonly [string, string]>;
  headers?: Record<string, string>;
  /** Sent as `Idempotency-Key`; makes a POST or PATCH retryable. */
  idempotencyKey?: string;
  /**
   * Declares a POST or PATCH safe to repeat without a key: a read sent as POST (a check), or a
   * write the callee deduplicates by an id in the body.
   */
  idempotent?: boolean;
  deadlineMs?: number;
  attemptTimeoutMs?: number;
  maxRetries?: number;
}

export interface HttpResponse<T> {
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (undefined for an empty body). */
  body: T;
  /** Attempts made, 1 when the first one succeeded. */
  attempts: number;
  /** The X-Request-Id sent (the caller's own when it runs inside a request). */
  requestId: string;
}

/** Fills `:name` segments of a route template with URL-encoded params; throws when one is missing. */
export function fillRoute(route: string, params: RouteParams = {}): string {
  return route.replace(/:([A-Za-z_]\w*)/g, (_segment, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Route ${route} needs the parameter "${name}"`);
    return encodeURIComponent(String(value));
  });
}

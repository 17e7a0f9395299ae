import { METHOD_METADATA } from '@nestjs/common/constants';
import { ApiExtraModels, DECORATORS, getSchemaPath } from '@nestjs/swagger';
import { ErrorResponse } from '@cloudphone/contracts';
import { PUBLIC_ROUTE } from '../auth/access.decorators';

/** Error codes a route can answer, by HTTP status. */
export type ErrorCodesByStatus = Readonly<Record<number, readonly string[]>>;

const ROUTE_ERROR_CODES = 'cloudphone:openapi-error-codes';
const NOT_RATE_LIMITED = 'cloudphone:openapi-not-rate-limited';

/** What any route can answer (README, "Errors"): refused input, an outage, a defect. */
const ANY_ROUTE_ERRORS: ErrorCodesByStatus = {
  400: ['VALIDATION_FAILED', 'MALFORMED_BODY', 'MALFORMED_REQUEST'],
  500: ['INTERNAL_ERROR'],
  503: ['DATABASE_UNAVAILABLE'],
};
/** Every rate-limited route; RATE_LIMIT_UNAVAILABLE where its limit fails closed without Redis. */
const RATE_LIMITED_ROUTE_ERRORS: ErrorCodesByStatus = {
  429: ['RATE_LIMITED'],
  503: ['RATE_LIMIT_UNAVAILABLE'],
};
/** Every route behind the global authentication guard (tokens and API keys). */
const AUTHENTICATED_ROUTE_ERRORS: ErrorCodesByStatus = {
  401: ['UNAUTHENTICATED', 'API_KEY_INVALID'],
  403: ['FORBIDDEN', 'API_KEY_SCOPE'],
  // An API key is verified by user-service; when it cannot answer, neither can the route.
  503: ['DEPENDENCY_UNAVAILABLE'],
};

/**
 * Declares the module codes a route can answer beyond the common ones, e.g.
 * `@ApiErrorResponses({ 404: ['DEVICE_NOT_FOUND'], 409: ['DEVICE_IN_USE'] })`. Each status becomes
 * a response of the shared ErrorResponse schema whose `code` is the enum of its codes.
 */
export function ApiErrorResponses(errors: ErrorCodesByStatus): MethodDecorator {
  return (target, key, descriptor) => {
    const declared = mergeErrorCodes(routeErrorCodes(descriptor.value as object), errors);
    Reflect.defineMetadata(ROUTE_ERROR_CODES, declared, descriptor.value as object);
    describeErrors(declared)(target, key, descriptor);
    return descriptor;
  };
}

/**
 * Adds the codes every route of the controller can answer to each route's own
 * (ApiErrorResponses): input, outage and defect codes everywhere, 401/403 unless the route is
 * @Public(), 429 unless it is @SkipRateLimit() (ApiNotRateLimited). A class decorator runs after
 * the method decorators but after only the class decorators below it: put it above @Public() and
 * @SkipRateLimit() on the class.
 */
export function ApiCommonErrors(): ClassDecorator {
  return (target) => {
    const prototype = target.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
      const handler = descriptor?.value as object | undefined;
      if (name === 'constructor' || !handler || Reflect.getMetadata(METHOD_METADATA, handler) === undefined)
        continue;
      const flag = (key: string) =>
        Reflect.getMetadata(key, handler) === true || Reflect.getMetadata(key, target) === true;
      let errors = mergeErrorCodes(ANY_ROUTE_ERRORS, routeErrorCodes(handler));
      if (!flag(NOT_RATE_LIMITED)) errors = mergeErrorCodes(errors, RATE_LIMITED_ROUTE_ERRORS);
      if (!flag(PUBLIC_ROUTE)) errors = mergeErrorCodes(errors, AUTHENTICATED_ROUTE_ERRORS);
      describeErrors(errors)(prototype, name, descriptor as PropertyDescriptor);
    }
  };
}

/**
 * Leaves 429 out of ApiCommonErrors for a route or controller. SkipRateLimit applies it, so the
 * document follows the guard (the rate-limit folder sits above this one and cannot be read here).
 */
export function ApiNotRateLimited(): (
  target: object,
  key?: string | symbol,
  descriptor?: PropertyDescriptor,
) => void {
  return (target, _key, descriptor) => {
    Reflect.defineMetadata(NOT_RATE_LIMITED, true, descriptor ? (descriptor.value as object) : target);
  };
}

function routeErrorCodes(handler: object): ErrorCodesByStatus {
  return (Reflect.getMetadata(ROUTE_ERROR_CODES, handler) as ErrorCodesByStatus | undefined) ?? {};
}

function mergeErrorCodes(left: ErrorCodesByStatus, right: ErrorCodesByStatus): ErrorCodesByStatus {
  const merged: Record<number, string[]> = {};
  for (const source of [left, right])
    for (const [status, codes] of Object.entries(source))
      merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...codes])];
  return merged;
}

/**
 * Writes one response per status straight into @nestjs/swagger's metadata, replacing any earlier
 * entry for that status: ApiResponse would append the description to the previous one, and the
 * class decorator re-describes what the method decorators described.
 */
function describeErrors(errors: ErrorCodesByStatus): MethodDecorator {
  return (target, key, descriptor) => {
    const handler = descriptor.value as object;
    ApiExtraModels(ErrorResponse)(target, key, descriptor);
    const responses = (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) as object | undefined) ?? {};
    const described = Object.fromEntries(
      Object.entries(errors).map(([status, codes]) => [
        status,
        {
          description: codes.join(', '),
          // As content, not schema: an error is JSON even on a route that produces CSV or a stream.
          content: {
            'application/json': {
              schema: {
                allOf: [
                  { $ref: getSchemaPath(ErrorResponse) },
                  { type: 'object', properties: { code: { type: 'string', enum: [...codes] } } },
                ],
              },
            },
          },
        },
      ]),
    );
    Reflect.defineMetadata(DECORATORS.API_RESPONSE, { ...responses, ...described }, handler);
    return descriptor;
  };
}

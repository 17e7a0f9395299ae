import { AppError } from '../errors/app-error';

export const RateLimitErrors = {
  limited: (retryAfterSeconds: number, headers: Record<string, string>) =>
    new AppError(
      'RATE_LIMITED',
      429,
      `Too many requests; retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
      { ...headers, 'Retry-After': String(retryAfterSeconds) },
    ),
  storeUnavailable: () =>
    new AppError('RATE_LIMIT_UNAVAILABLE', 503, 'Rate limiting is unavailable; retry shortly', undefined, {
      'Retry-After': '1',
    }),
};

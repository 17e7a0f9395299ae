import { AppError, type ErrorDetails } from './app-error';

/** Long enough for a failover or a restart to finish, short enough not to stall a client much. */
const DATABASE_RETRY_AFTER_SECONDS = '2';

/** Error codes shared by every service; module-specific codes live in each module's errors file. */
export const CommonErrors = {
  validationFailed: (message: string, details?: ErrorDetails) =>
    new AppError('VALIDATION_FAILED', 400, message, details),
  unauthenticated: (message = 'Authentication required') => new AppError('UNAUTHENTICATED', 401, message),
  forbidden: (message = 'You are not allowed to do this') => new AppError('FORBIDDEN', 403, message),
  notFound: (message: string, details?: ErrorDetails) => new AppError('NOT_FOUND', 404, message, details),
  conflict: (code: string, message: string, details?: ErrorDetails) =>
    new AppError(code, 409, message, details),
  notReady: (message: string, details?: ErrorDetails) => new AppError('NOT_READY', 503, message, details),
  serviceUnavailable: (code: string, message: string, details?: ErrorDetails) =>
    new AppError(code, 503, message, details),
  /** The service's own database is unreachable or has no connection free: retry shortly. */
  databaseUnavailable: () =>
    new AppError('DATABASE_UNAVAILABLE', 503, 'The database is unavailable; retry shortly', undefined, {
      'Retry-After': DATABASE_RETRY_AFTER_SECONDS,
    }),
};

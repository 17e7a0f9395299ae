import { AppError, type ErrorDetails } from './app-error';

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
};

export { AllExceptionsFilter } from './all-exceptions.filter';
export { AppError } from './app-error';
export type { ErrorDetails } from './app-error';
export { CommonErrors } from './common.errors';
export { HTTP_STATUS_CODES } from './http-exception-codes';
export { createValidationPipe } from './validation-pipe.factory';

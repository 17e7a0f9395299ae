export { AllExceptionsFilter } from './all-exceptions.filter';
export { AppError } from './app-error';
export { CommonErrors } from './common.errors';
export { createValidationPipe } from './validation-pipe.factory';
export { cacheValidationMetadata } from './validation-metadata-cache';

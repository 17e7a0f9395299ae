import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { CommonErrors } from './common.errors';

/**
 * The global validation pipe: unknown fields are refused, types are converted only when declared,
 * and failures become 400 VALIDATION_FAILED with one detail per field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => {
      const details = flatten(errors);
      const summary = details.map((detail) => `${detail.field}: ${detail.reasons.join(', ')}`).join('; ');
      return CommonErrors.validationFailed(summary || 'Validation failed', details);
    },
  });
}

function flatten(errors: ValidationError[], parent = ''): Array<{ field: string; reasons: string[] }> {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, reasons: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

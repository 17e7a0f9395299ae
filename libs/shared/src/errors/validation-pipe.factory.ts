import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { CommonErrors } from './common.errors';
import { findUnstorableInput } from './storable-input';
import { cacheValidationMetadata } from './validation-metadata-cache';

/** Argument kinds that carry the caller's input (custom decorators such as the principal do not). */
const INPUT_ARGUMENTS: ReadonlySet<ArgumentMetadata['type']> = new Set(['body', 'query', 'param']);

/**
 * The global validation pipe: input Postgres cannot store is refused first, unknown fields are
 * refused, types are converted only when declared, and failures become 400 VALIDATION_FAILED with
 * one detail per field.
 */
class InputValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (INPUT_ARGUMENTS.has(metadata.type)) {
      const problem = findUnstorableInput(value, metadata.data ?? '');
      if (problem) {
        const details = [{ field: problem.field, reasons: [problem.reason] }];
        return Promise.reject(CommonErrors.validationFailed(`${problem.field}: ${problem.reason}`, details));
      }
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  cacheValidationMetadata();
  return new InputValidationPipe({
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

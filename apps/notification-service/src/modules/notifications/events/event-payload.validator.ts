import type { EventEnvelope } from '@cloudphone/contracts';
import { UnprocessableEventError } from '@cloudphone/shared';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** The event's data as an instance of the recipe's class, or UnprocessableEventError saying why not. */
export function validEventPayload<T extends object>(event: EventEnvelope, payload: new () => T): T {
  const problems: string[] = [];
  if (Number.isNaN(Date.parse(event.occurredAt))) problems.push('occurredAt: not a date-time');
  const raw = event.data;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push('data: must be an object');
  } else {
    const instance = plainToInstance(payload, raw);
    problems.push(...describe(validateSync(instance, { forbidUnknownValues: true })));
    if (problems.length === 0) return instance;
  }
  throw new UnprocessableEventError(
    `${event.type} v${event.version} payload is invalid: ${problems.join('; ')}`,
  );
}

function describe(errors: ValidationError[]): string[] {
  return errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`);
}

import {
  DOMAIN_EVENT_PAYLOADS,
  type EventPayloadClass,
  type EventPayloadClasses,
} from '@cloudphone/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { cacheValidationMetadata } from '../errors/validation-metadata-cache';

/** An event's `data` as an instance of its payload class, or why it is not one. */
export type PayloadCheck = { valid: true; payload: object } | { valid: false; error: string };

/**
 * The event payloads a service speaks: the class of each event type and version, DOMAIN_EVENT_PAYLOADS
 * unless InfrastructureModule.forRoot({ eventPayloads }) adds types or replaces a type's versions.
 * The consumer checks each delivery's `data` here before any handler runs, and the publisher each
 * outgoing event's, so a producer cannot store an event its consumers would dead-letter.
 */
export class EventPayloadCatalog {
  // Resolved once: publish is on request paths, so a check is one map lookup plus the validation.
  private readonly classes = new Map<string, ReadonlyMap<number, EventPayloadClass>>();

  constructor(payloads: EventPayloadClasses = {}) {
    cacheValidationMetadata();
    const merged: EventPayloadClasses = { ...DOMAIN_EVENT_PAYLOADS, ...payloads };
    for (const [type, versions = {}] of Object.entries(merged)) {
      const byVersion = Object.entries(versions).map(
        ([version, payloadClass]) => [Number(version), payloadClass] as const,
      );
      this.classes.set(type, new Map(byVersion));
    }
  }

  /**
   * Validates `data` against the class of `type` and `version`. Only declared fields are checked
   * (nothing is stripped or forbidden), so a publisher may add a field without a new version.
   */
  check(type: string, version: number, data: unknown): PayloadCheck {
    const versions = this.classes.get(type);
    const payloadClass = versions?.get(version);
    let problems: string[];
    if (!versions) {
      problems = ['no payload class for this event type'];
    } else if (!payloadClass) {
      problems = [`unknown version (known: ${[...versions.keys()].map((known) => `v${known}`).join(', ')})`];
    } else if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      problems = ['data: must be an object'];
    } else {
      const payload = plainToInstance(payloadClass, data);
      problems = describe(validateSync(payload, { forbidUnknownValues: true }));
      if (problems.length === 0) return { valid: true, payload };
    }
    return { valid: false, error: `${type} v${version}: ${problems.join('; ')}` };
  }
}

/** `field: problem, problem` per invalid field, nested fields as `parent.child`. */
function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const field = error.property === undefined ? 'data' : `${parent}${error.property}`;
    const messages = Object.values(error.constraints ?? {}).map((message) =>
      // class-validator's messages start with the property name, already said by the prefix.
      message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    );
    const own = messages.length > 0 ? [`${field}: ${messages.join(', ')}`] : [];
    return [...own, ...describe(error.children ?? [], `${field}.`)];
  });
}

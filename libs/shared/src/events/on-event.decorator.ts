import { assertValidTopicPattern } from './topic-pattern';

export const EVENT_HANDLER_PATTERNS = 'cloudphone:event-handler-patterns';
export const EVENT_HANDLER_IDEMPOTENT = 'cloudphone:event-handler-idempotent';

/**
 * Marks a provider method as the handler of events whose type matches one of `patterns` (AMQP
 * topic syntax: `device.allocated`, `device.*`, `billing.#`). The method is discovered at boot,
 * needs no registration, and is called as `(event: EventEnvelope<T>)` inside the transaction that
 * also records the event id in the service's inbox. `event.data` has passed the payload class of its
 * type and version (EventPayloadCatalog) and is an instance of it: a payload that does not reaches
 * no handler. Repositories join that transaction on their own, so the change and the "handled" mark
 * commit together. Throwing rolls both back and schedules a retry.
 */
export function OnEvent(...patterns: string[]): MethodDecorator {
  if (patterns.length === 0) throw new Error('@OnEvent needs at least one pattern');
  patterns.forEach(assertValidTopicPattern);
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const existing = (Reflect.getMetadata(EVENT_HANDLER_PATTERNS, method) as string[] | undefined) ?? [];
    Reflect.defineMetadata(EVENT_HANDLER_PATTERNS, [...new Set([...existing, ...patterns])], method);
    return descriptor;
  };
}

/**
 * Marks an `@OnEvent` handler whose effect is the same however often, and in whatever order, its
 * events arrive: each of its statements is a conditional write that a redelivery cannot repeat
 * (`ON CONFLICT DO NOTHING`, `COALESCE(ended_at, $2)`, `GREATEST(expires_at, $2)`, a `WHERE … IS
 * NULL` guard). An event whose handlers are all idempotent is handled without the inbox row and
 * without a transaction around them, saving three statements and a commit per event on the hot
 * path; the broker's redelivery after a crash stays safe because the handler is.
 */
export function IdempotentHandler(): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(EVENT_HANDLER_IDEMPOTENT, true, descriptor.value as object);
    return descriptor;
  };
}

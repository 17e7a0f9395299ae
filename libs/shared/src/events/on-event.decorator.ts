import { assertValidTopicPattern } from './topic-pattern';

export const EVENT_HANDLER_PATTERNS = 'cloudphone:event-handler-patterns';

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

/**
 * Any 128-bit id in uuid text form, whatever its version nibble: what Postgres' uuid type takes,
 * and what event ids and outbox message ids must be (outboxMessageId derives ids from md5, which
 * have no version).
 */
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuidText(value: unknown): value is string {
  return typeof value === 'string' && UUID_TEXT.test(value);
}

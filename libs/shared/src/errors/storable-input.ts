/** Why a piece of input was refused before validation, and where (`email`, `items.3.tenantId`). */
export interface UnstorableInput {
  field: string;
  reason: string;
}

// Postgres text cannot hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00"), and a lone
// UTF-16 surrogate (`"\ud800"` in JSON) has no UTF-8 form: the driver would store U+FFFD instead,
// silently changing what the caller sent. Both are refused, in values and in keys.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NUL = String.fromCharCode(0);
const SPELLED_OUT = new RegExp(`[${NUL}\\ud800-\\udfff]`, 'g');

// Names that, as keys, reach or shadow what every object inherits (`__proto__`, `constructor`,
// `hasOwnProperty`…): no request field is called that, and class-transformer treats some of them
// specially (a `constructor` field slipped past the unknown-field check).
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

/**
 * The first string or key in `value` that Postgres cannot store as sent, or a key named after an
 * object's built-in properties, or null. Walks iteratively, so input of any depth costs a
 * bounded stack; the body parser bounds the depth anyway.
 */
export function findUnstorableInput(value: unknown, root = ''): UnstorableInput | null {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: root }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return { field: path || 'value', reason: UNSTORABLE_REASON };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    for (const key of Object.keys(current)) {
      const field = path ? `${path}.${key}` : key;
      if (!isStorableText(key))
        return { field: printable(field), reason: `field name: ${UNSTORABLE_REASON}` };
      if (PROTOTYPE_NAMES.has(key)) return { field, reason: 'field name is not allowed' };
      pending.push({ value: (current as Record<string, unknown>)[key], path: field });
    }
  }
  return null;
}

export const UNSTORABLE_REASON = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** True when Postgres can store `text` exactly as given. */
export function isStorableText(text: string): boolean {
  return !text.includes(NUL) && !LONE_SURROGATE.test(text);
}

/** A field name safe to echo in an error message: the refused characters spelled out. */
function printable(field: string): string {
  return field.replace(
    SPELLED_OUT,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

import { createHash } from 'node:crypto';

/**
 * A cache key or tag: a fixed string, a template whose `{0}`, `{1.userId}` placeholders name a
 * method argument (by position) and an optional property path, or a function of the arguments
 * that builds its key with `cacheKey(...)`.
 */
export type CacheKeyTemplate = string | ((...args: never[]) => string);

export type CompiledKeyTemplate = (args: readonly unknown[]) => string;

const PLACEHOLDER = /\{(\d+)((?:\.[A-Za-z_$][\w$]*)*)\}/g;
const MAX_KEY_LENGTH = 200;
const SAFE_KEY = /^[A-Za-z0-9_.:-]*$/;
const KEY_SEPARATOR = ':';

/**
 * The one way to build a key from parts that callers influence: the cache's name (its metrics
 * label), then the parts. Each is escaped so it can
 * never contain the separator, so different lists of parts always give different keys. A query
 * value such as `12:region=cn` stays one part (`12%3aregion%3dcn`) and cannot impersonate two.
 */
export function cacheKey(
  name: string,
  ...parts: ReadonlyArray<string | number | boolean | null | undefined>
): string {
  return [name, ...parts].map(encodeCacheKeyPart).join(KEY_SEPARATOR);
}

/**
 * Escapes one part: `[A-Za-z0-9_.-]` stay, every other character becomes `%xx` per UTF-8 byte.
 * `null` and `undefined` become the whole parts `%n` and `%u`, which no escaped text equals, so
 * they differ from `''` and from the strings "null" and "undefined".
 */
function encodeCacheKeyPart(part: string | number | boolean | null | undefined): string {
  if (part === null) return '%n';
  if (part === undefined) return '%u';
  return percentEncode(String(part), /[^A-Za-z0-9_.-]/gu);
}

/**
 * Compiles a template once (at decoration time) into a function of the method's arguments. A
 * malformed template throws when the class is defined, not on the first request. The result is
 * raw: the CacheService sanitises every key it is given, exactly once.
 */
export function compileKeyTemplate(template: CacheKeyTemplate): CompiledKeyTemplate {
  if (typeof template === 'function') {
    const render = template as (...args: unknown[]) => string;
    return (args) => String(render(...args));
  }
  if (template.length === 0) throw new Error('A cache key template must not be empty');
  const unmatched = template.replace(PLACEHOLDER, '');
  if (unmatched.includes('{') || unmatched.includes('}')) {
    throw new Error(`Cache key template "${template}": placeholders look like {0} or {1.userId}`);
  }
  const parts: Array<string | { index: number; path: string[] }> = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, match.index));
    parts.push({ index: Number(match[1]), path: match[2] ? match[2].slice(1).split('.') : [] });
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(template.slice(last));
  if (parts.length === 1) return () => template;
  return (args) => {
    let key = '';
    for (const part of parts)
      key += typeof part === 'string' ? part : formatArgument(args, part.index, part.path);
    return key;
  };
}

/**
 * Keeps keys to `[A-Za-z0-9_.:-]` (anything else percent-encoded, so no two inputs collide) and
 * bounded in length (a long key keeps a readable head and ends in `#` and a hash of the whole;
 * `#` never appears in a short key, so the two forms cannot collide either).
 */
export function sanitizeCacheKey(raw: string): string {
  const safe = SAFE_KEY.test(raw) ? raw : percentEncode(raw, /[^A-Za-z0-9_.:-]/gu);
  if (safe.length <= MAX_KEY_LENGTH) return safe;
  const digest = createHash('sha256').update(safe).digest('hex').slice(0, 32);
  return `${safe.slice(0, MAX_KEY_LENGTH - 40)}#${digest}`;
}

/** The metrics label for a key: its first `:` segment, which templates keep fixed. */
export function cacheNameOf(key: string): string {
  const end = key.indexOf(':');
  return end === -1 ? key : key.slice(0, end);
}

/** A placeholder's value, escaped as one part: an argument can never forge the key's other parts. */
function formatArgument(args: readonly unknown[], index: number, path: string[]): string {
  let value: unknown = args[index];
  for (const property of path) {
    value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[property];
  }
  if (value === null || value === undefined) return encodeCacheKeyPart(value);
  return encodeCacheKeyPart(typeof value === 'object' ? JSON.stringify(value) : String(value));
}

/**
 * `%xx` per UTF-8 byte of each unsafe code point (`unsafe` carries the `u` flag, so a surrogate
 * pair is one match). A lone surrogate has no UTF-8 form, and encoding it as U+FFFD would make
 * different inputs collide, so it becomes `%uxxxx`.
 */
function percentEncode(text: string, unsafe: RegExp): string {
  return text.replace(unsafe, (character) => {
    const code = character.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) return `%u${code.toString(16)}`;
    return Array.from(
      Buffer.from(character, 'utf8'),
      (byte) => `%${byte.toString(16).padStart(2, '0')}`,
    ).join('');
  });
}

import { createHash } from 'node:crypto';

/**
 * A cache key or tag: a fixed string, a template whose `{0}`, `{1.userId}` placeholders name a
 * method argument (by position) and an optional property path, or a function of the arguments.
 */
export type CacheKeyTemplate = string | ((...args: never[]) => string);

export type CompiledKeyTemplate = (args: readonly unknown[]) => string;

const PLACEHOLDER = /\{(\d+)((?:\.[A-Za-z_$][\w$]*)*)\}/g;
const MAX_KEY_LENGTH = 200;
const SAFE_KEY = /^[A-Za-z0-9_.:-]*$/;

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
  const safe = SAFE_KEY.test(raw)
    ? raw
    : raw.replace(/[^A-Za-z0-9_.:-]/g, (character) =>
        Array.from(Buffer.from(character, 'utf8'), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join(
          '',
        ),
      );
  if (safe.length <= MAX_KEY_LENGTH) return safe;
  const digest = createHash('sha256').update(safe).digest('hex').slice(0, 32);
  return `${safe.slice(0, MAX_KEY_LENGTH - 40)}#${digest}`;
}

/** The metrics label for a key: its first `:` segment, which templates keep fixed. */
export function cacheNameOf(key: string): string {
  const end = key.indexOf(':');
  return end === -1 ? key : key.slice(0, end);
}

function formatArgument(args: readonly unknown[], index: number, path: string[]): string {
  let value: unknown = args[index];
  for (const property of path) {
    value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[property];
  }
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

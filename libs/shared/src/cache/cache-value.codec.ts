/** What the Redis tier stores for one key: the value, its tags and its absolute expiry. */
export interface CacheEnvelope {
  value: unknown;
  tags: string[];
  expiresAt: number;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// JSON may spell `__proto__` with \u escapes, so any escape also takes the careful path.
const NEEDS_REVIVER = /__proto__|constructor|prototype|\\u/;

/** Serialises an entry; throws a TypeError for values JSON cannot represent (undefined, BigInt). */
export function encodeCacheEnvelope(envelope: CacheEnvelope): string {
  if (envelope.value === undefined) throw new TypeError('undefined cannot be cached');
  return JSON.stringify({ v: envelope.value, t: envelope.tags, e: envelope.expiresAt });
}

/**
 * Parses an entry read from Redis. Keys that could pollute prototypes when the value is later
 * merged (`__proto__`, `constructor`, `prototype`) are dropped; the result is deep-frozen so one
 * caller cannot change what the next caller gets. Returns undefined for anything malformed.
 */
export function decodeCacheEnvelope(text: string): CacheEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = NEEDS_REVIVER.test(text) ? JSON.parse(text, stripForbiddenKeys) : JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('v' in parsed)) return undefined;
  const { v, t, e } = parsed as { v: unknown; t?: unknown; e?: unknown };
  const tags = Array.isArray(t) ? t.filter((tag): tag is string => typeof tag === 'string') : [];
  return { value: deepFreeze(v), tags, expiresAt: typeof e === 'number' ? e : Number.POSITIVE_INFINITY };
}

function stripForbiddenKeys(key: string, value: unknown): unknown {
  return FORBIDDEN_KEYS.has(key) ? undefined : value;
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}

/** An entry ready to store: its text, the envelope a reader gets back, and its TTL. */
export interface PreparedCacheEntry {
  text: string;
  envelope: CacheEnvelope;
  ttlMs: number;
}

/**
 * `value` as an entry of `ttlMs` shortened by up to `jitterPercent` (so entries stored together do
 * not expire together). Throws TypeError when the value does not survive a JSON round trip.
 */
export function prepareCacheEntry(
  value: unknown,
  tags: readonly string[],
  ttlMs: number,
  jitterPercent: number,
): PreparedCacheEntry {
  const jittered = Math.max(1, ttlMs - Math.floor(Math.random() * ttlMs * (jitterPercent / 100)));
  const text = encodeCacheEnvelope({ value, tags: [...tags], expiresAt: Date.now() + jittered });
  const envelope = decodeCacheEnvelope(text);
  if (!envelope) throw new TypeError('value does not survive a JSON round trip');
  return { text, envelope, ttlMs: jittered };
}

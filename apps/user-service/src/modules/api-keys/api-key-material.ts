import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PATTERN, API_KEY_PREFIX } from '@cloudphone/contracts';

/** Random bytes per key: 256 bits, so a fast hash (no salt, no stretching) is enough to store it. */
const SECRET_BYTES = 32;
/** How much of a key lists show: `cpk_` and 8 characters (48 bits), enough to tell keys apart. */
export const API_KEY_SHOWN_PREFIX_LENGTH = 12;

/** A new key: the secret shown once, the part lists show, and the only thing stored about it. */
export interface ApiKeyMaterial {
  key: string;
  prefix: string;
  hash: Buffer;
}

/** `cpk_` + base64url of 32 random bytes (47 characters). `random` is for tests. */
export function generateApiKey(random: (size: number) => Buffer = randomBytes): ApiKeyMaterial {
  const key = `${API_KEY_PREFIX}${random(SECRET_BYTES).toString('base64url')}`;
  return { key, prefix: key.slice(0, API_KEY_SHOWN_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/** The SHA-256 of the whole key: what `api_keys.key_hash` holds and lookups search. */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Whether `key` has the shape of a key this service issues (checked before any lookup). */
export function isWellFormedApiKey(key: string): boolean {
  return API_KEY_PATTERN.test(key);
}

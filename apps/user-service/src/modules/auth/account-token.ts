import { createHash, randomBytes } from 'node:crypto';

/** An emailed single-use token and the hash the database keeps of it. */
export interface IssuedToken {
  token: string;
  hash: Buffer;
}

const TOKEN_BYTES = 32;

/**
 * 256 random bits, base64url (43 characters). A token this random cannot be guessed or found by
 * brute force from its hash, so one SHA-256 suffices; a slow password hash would only slow redeeming.
 */
export function issueToken(): IssuedToken {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Seconds a locked-out caller should wait (Retry-After): rounded up, at least 1. */
export function retryAfterSeconds(lockedUntil: Date, now: Date = new Date()): number {
  return Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}

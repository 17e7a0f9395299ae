import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * Encrypts credentials a service stores for third parties (proxy usernames and passwords, vendor API keys)
 * with AES-256-GCM under a key derived from a configured secret, so a database dump or backup
 * holds no usable secret. The stored form is `v1:<iv>:<tag>:<ciphertext>` (base64), the version
 * leaving room for a new key or algorithm without guessing. GCM's tag makes a tampered or
 * wrongly-keyed value fail to decrypt instead of decrypting to garbage.
 */
export class CredentialsCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'cloudphone', 'cloudphone credentials v1', 32));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      body.toString('base64'),
    ].join(':');
  }

  /** Throws when the value was not written with this key (or was altered). */
  decrypt(stored: string): string {
    const [version, iv, tag, body] = stored.split(':');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('Stored credential is not in the v1 format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }

  encryptOptional(plain: string | null | undefined): string | null {
    return plain === null || plain === undefined ? null : this.encrypt(plain);
  }

  decryptOptional(stored: string | null): string | null {
    return stored === null ? null : this.decrypt(stored);
  }
}

import { createHash } from 'node:crypto';
import { API_KEY_PATTERN } from '@cloudphone/contracts';
import {
  API_KEY_SHOWN_PREFIX_LENGTH,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
} from './api-key-material';

describe('API key material', () => {
  it('is cpk_ and 32 random bytes in base64url, with a 12-character prefix and the SHA-256 of the whole key', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, index) => 255 - index));
    const material = generateApiKey(() => bytes);

    expect(material.key).toBe(`cpk_${bytes.toString('base64url')}`);
    expect(material.key).toHaveLength(47);
    expect(material.key).toMatch(API_KEY_PATTERN);
    expect(material.prefix).toBe(material.key.slice(0, API_KEY_SHOWN_PREFIX_LENGTH));
    expect(material.prefix).toHaveLength(12);
    expect(material.hash.equals(createHash('sha256').update(material.key).digest())).toBe(true);
    expect(material.hash).toHaveLength(32);
  });

  it('draws a new secret every time, never reusing one', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().key));
    expect(keys.size).toBe(1000);
    for (const key of keys) expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('hashes exactly the key: one changed character is another hash', () => {
    const { key, hash } = generateApiKey();
    const changed = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(hashApiKey(key).equals(hash)).toBe(true);
    expect(hashApiKey(changed).equals(hash)).toBe(false);
  });

  it('refuses keys of another shape before any lookup', () => {
    const { key } = generateApiKey();
    for (const malformed of [
      '',
      'cpk_',
      key.slice(0, -1),
      `${key}A`,
      `CPK_${key.slice(4)}`,
      `${key.slice(0, -1)}=`,
      `${key.slice(0, -1)}\u0000`,
      `cpk_${'A'.repeat(10_000)}`,
    ]) {
      expect(isWellFormedApiKey(malformed)).toBe(false);
    }
  });
});

import { CredentialsCipher } from './credentials-cipher';

describe('CredentialsCipher', () => {
  const cipher = new CredentialsCipher('a-test-secret-of-at-least-32-characters!');

  it('round-trips any text, and never stores it in clear', () => {
    for (const plain of ['user-1', 'pässwörd ✓', 'x'.repeat(256), '']) {
      const stored = cipher.encrypt(plain);
      expect(stored).not.toContain(plain || '\u0000');
      expect(cipher.decrypt(stored)).toBe(plain);
    }
  });

  it('writes a fresh IV each time, so equal passwords do not look equal in the table', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses a value written under another key, or altered', () => {
    const stored = cipher.encrypt('secret');
    expect(() => new CredentialsCipher('another-secret-of-at-least-32-characters').decrypt(stored)).toThrow();
    const [version, iv, tag, body] = stored.split(':');
    const flipped = Buffer.from(body!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => cipher.decrypt([version, iv, tag, flipped.toString('base64')].join(':'))).toThrow();
    expect(() => cipher.decrypt('plain-text')).toThrow('v1 format');
  });

  it('keeps null as null', () => {
    expect(cipher.encryptOptional(null)).toBeNull();
    expect(cipher.decryptOptional(null)).toBeNull();
  });
});

import { hashToken, issueToken, retryAfterSeconds } from './account-token';

describe('account tokens', () => {
  it('issues 43-character base64url tokens, all different, each stored as its SHA-256', () => {
    const issued = Array.from({ length: 200 }, () => issueToken());
    expect(new Set(issued.map(({ token }) => token)).size).toBe(200);
    for (const { token, hash } of issued) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(hash).toHaveLength(32);
      expect(hashToken(token).equals(hash)).toBe(true);
    }
  });

  it('hashes the token text exactly: a changed character is another hash', () => {
    const { token, hash } = issueToken();
    const altered = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expect(hashToken(altered).equals(hash)).toBe(false);
  });

  it('rounds Retry-After up and never answers less than a second', () => {
    const now = new Date('2026-12-05T10:00:00.000Z');
    expect(retryAfterSeconds(new Date('2026-12-05T10:15:00.000Z'), now)).toBe(900);
    expect(retryAfterSeconds(new Date('2026-12-05T10:00:00.001Z'), now)).toBe(1);
    expect(retryAfterSeconds(new Date('2026-12-05T10:00:01.500Z'), now)).toBe(2);
    expect(retryAfterSeconds(new Date('2026-12-05T09:59:00.000Z'), now)).toBe(1);
  });
});

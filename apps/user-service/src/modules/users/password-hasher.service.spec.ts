import { PasswordHasher } from './password-hasher.service';

// Cheap parameters keep the unit tests fast; the format and comparison are what is under test.
const CHEAP = { logN: 10, blockSize: 8, parallelization: 1 };

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(CHEAP);

  it('stores salted hashes with their parameters and never the password', async () => {
    const first = await hasher.hash('correct horse battery staple');
    const second = await hasher.hash('correct horse battery staple');

    expect(first).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(second).not.toBe(first);
    expect(first).not.toContain('horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('s3cret-password');

    expect(await hasher.verify('s3cret-password', stored)).toBe(true);
    expect(await hasher.verify('s3cret-passwore', stored)).toBe(false);
    expect(await hasher.verify('', stored)).toBe(false);
  });

  it('verifies with the parameters stored in the hash, so raising the cost keeps old hashes valid', async () => {
    const stored = await new PasswordHasher({ logN: 11, blockSize: 4, parallelization: 2 }).hash(
      'old-password',
    );

    expect(await hasher.verify('old-password', stored)).toBe(true);
  });

  it('treats a Unicode password the same in composed and decomposed form', async () => {
    const stored = await hasher.hash('caf\u00e9-password');

    expect(await hasher.verify('cafe\u0301-password', stored)).toBe(true);
  });

  it('refuses malformed hashes and absurd stored parameters without running scrypt on them', async () => {
    const valid = await hasher.hash('password-1');
    const [, , , , salt, key] = valid.split('$');

    for (const stored of [
      '',
      'plain-text-password',
      `bcrypt$10$8$1$${salt}$${key}`,
      `scrypt$30$8$1$${salt}$${key}`,
      `scrypt$10$99$1$${salt}$${key}`,
      `scrypt$10$8$0$${salt}$${key}`,
      `scrypt$10$8$1$${salt}$AAAA`,
    ]) {
      expect(await hasher.verify('password-1', stored)).toBe(false);
    }
  });

  it('spends a verification on a dummy hash for unknown users and answers false', async () => {
    hasher.onModuleInit();

    expect(await hasher.verifyAgainstDummy('anything')).toBe(false);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiKeyGrant } from './api-key-verifier';
import { CachingApiKeyVerifier } from './caching-api-key.verifier';

const KEY = `cpk_${'k'.repeat(43)}`;
const OTHER = `cpk_${'o'.repeat(43)}`;

const grant = (overrides: Partial<ApiKeyGrant> = {}): ApiKeyGrant => ({
  keyId: 'key-1',
  userId: 'user-1',
  tenantId: 'acme',
  roles: ['admin', 'user'],
  scopes: ['billing:read'],
  expiresAt: null,
  ...overrides,
});

describe('CachingApiKeyVerifier', () => {
  it('asks once per key while the answer is fresh, then again', async () => {
    const lookup = jest.fn(async () => grant());
    const verifier = new CachingApiKeyVerifier(lookup, { validTtlMs: 80, invalidTtlMs: 10 });

    const first = await verifier.verify(KEY);
    expect(await verifier.verify(KEY)).toBe(first);
    expect(lookup).toHaveBeenCalledTimes(1);
    await verifier.verify(OTHER);
    expect(lookup).toHaveBeenCalledTimes(2);

    await sleep(120);
    await verifier.verify(KEY);
    expect(lookup).toHaveBeenCalledTimes(3);
  });

  it('gives the principal without the admin role, frozen, with the key id and scopes', async () => {
    const verifier = new CachingApiKeyVerifier(async () => grant(), { validTtlMs: 1000, invalidTtlMs: 10 });
    const principal = await verifier.verify(KEY);
    expect(principal).toEqual({
      kind: 'user',
      userId: 'user-1',
      tenantId: 'acme',
      roles: ['user'],
      apiKey: { id: 'key-1', scopes: ['billing:read'] },
    });
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal?.roles)).toBe(true);
    expect(Object.isFrozen(principal?.apiKey?.scopes)).toBe(true);
  });

  it('remembers an invalid key for its own, shorter time', async () => {
    const lookup = jest.fn(async () => null);
    const verifier = new CachingApiKeyVerifier(lookup, { validTtlMs: 10_000, invalidTtlMs: 60 });
    expect(await verifier.verify(KEY)).toBeNull();
    expect(await verifier.verify(KEY)).toBeNull();
    expect(lookup).toHaveBeenCalledTimes(1);
    await sleep(100);
    expect(await verifier.verify(KEY)).toBeNull();
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('shares one lookup between concurrent requests with the same key', async () => {
    let release: (value: ApiKeyGrant) => void = () => undefined;
    const lookup = jest.fn(() => new Promise<ApiKeyGrant>((resolve) => (release = resolve)));
    const verifier = new CachingApiKeyVerifier(lookup, { validTtlMs: 1000, invalidTtlMs: 10 });
    const answers = Promise.all([verifier.verify(KEY), verifier.verify(KEY), verifier.verify(KEY)]);
    release(grant());
    const [first, ...others] = await answers;
    expect(lookup).toHaveBeenCalledTimes(1);
    for (const other of others) expect(other).toBe(first);
  });

  it('does not remember a failed lookup: the next request asks again', async () => {
    const lookup = jest
      .fn<Promise<ApiKeyGrant | null>, [string]>()
      .mockRejectedValueOnce(new Error('user-service is down'))
      .mockResolvedValueOnce(grant());
    const verifier = new CachingApiKeyVerifier(lookup, { validTtlMs: 1000, invalidTtlMs: 1000 });
    await expect(verifier.verify(KEY)).rejects.toThrow('user-service is down');
    expect(await verifier.verify(KEY)).not.toBeNull();
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('never remembers a key past its own expiry, and remembers nothing with a zero time', async () => {
    const expiring = jest.fn(async () => grant({ expiresAt: new Date(Date.now() + 50).toISOString() }));
    const verifier = new CachingApiKeyVerifier(expiring, { validTtlMs: 10_000, invalidTtlMs: 10 });
    await verifier.verify(KEY);
    await verifier.verify(KEY);
    expect(expiring).toHaveBeenCalledTimes(1);
    await sleep(80);
    await verifier.verify(KEY);
    expect(expiring).toHaveBeenCalledTimes(2);

    const lookup = jest.fn(async () => grant());
    const uncached = new CachingApiKeyVerifier(lookup, { validTtlMs: 0, invalidTtlMs: 0 });
    await uncached.verify(KEY);
    await uncached.verify(KEY);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('keys its memory by a hash: the process keeps no usable key', async () => {
    const verifier = new CachingApiKeyVerifier(async () => grant(), { validTtlMs: 1000, invalidTtlMs: 10 });
    await verifier.verify(KEY);
    const remembered = [...(verifier as unknown as { answers: Map<string, unknown> }).answers.keys()];
    expect(remembered).toHaveLength(1);
    expect(remembered[0]).not.toContain(KEY.slice(4));
  });
});

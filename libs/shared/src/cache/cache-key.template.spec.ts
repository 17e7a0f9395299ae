import { cacheNameOf, compileKeyTemplate, sanitizeCacheKey } from './cache-key.template';

describe('cache key templates', () => {
  it('fills positional placeholders and property paths from the arguments', () => {
    const render = compileKeyTemplate('quota:{0}:{1.region}:{1.spec.cpu}');
    expect(render(['user-1', { region: 'eu', spec: { cpu: 4 } }])).toBe('quota:user-1:eu:4');
  });

  it('keeps a fixed template fixed and accepts a function of the arguments', () => {
    expect(compileKeyTemplate('devices:available')([])).toBe('devices:available');
    expect(compileKeyTemplate((id: string) => `device:${id}`)(['d 1' as never])).toBe('device:d 1');
  });

  it('rejects a malformed template when it is compiled', () => {
    expect(() => compileKeyTemplate('user:{id}')).toThrow(/placeholders look like/);
    expect(() => compileKeyTemplate('')).toThrow(/empty/);
  });

  it('sanitising is what makes a key safe, not the template', () => {
    const key = compileKeyTemplate('user:{0}')(['a b']);
    expect(key).toBe('user:a b');
    expect(sanitizeCacheKey(key)).toBe('user:a%20b');
  });

  it('percent-encodes anything outside [A-Za-z0-9_.:-] so different inputs never collide', () => {
    expect(sanitizeCacheKey('user:a b/c*')).toBe('user:a%20b%2fc%2a');
    expect(sanitizeCacheKey('a%20b')).not.toBe(sanitizeCacheKey('a b'));
    expect(sanitizeCacheKey('x:é')).toBe('x:%c3%a9');
    expect(sanitizeCacheKey('x:\r\nFLUSHALL')).toBe('x:%0d%0aFLUSHALL');
  });

  it('bounds long keys with a hash of the whole', () => {
    const long = sanitizeCacheKey(`list:${'a'.repeat(500)}`);
    const other = sanitizeCacheKey(`list:${'a'.repeat(499)}b`);
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/^list:a+#[0-9a-f]{32}$/);
    expect(long).not.toBe(other);
  });

  it('names the cache after the first segment', () => {
    expect(cacheNameOf('devices:available')).toBe('devices');
    expect(cacheNameOf('plain')).toBe('plain');
  });
});

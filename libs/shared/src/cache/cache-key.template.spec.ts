import fc from 'fast-check';
import { cacheKey, cacheNameOf, compileKeyTemplate, sanitizeCacheKey } from './cache-key.template';

// Any text a caller can send, lone surrogates included.
const anyText = fc.string({ unit: 'binary', maxLength: 12 });
const anyPart = fc.oneof(anyText, fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));

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

  it('escapes every argument as one part, so an argument cannot forge the fixed segments', () => {
    const render = compileKeyTemplate('available:{0.androidVersion}:{0.region}');
    const crafted = render([{ androidVersion: '12:region=cn' }]);
    const honest = render([{ androidVersion: '12', region: 'cn' }]);
    expect(crafted).toBe('available:12%3aregion%3dcn:%u');
    expect(honest).toBe('available:12:cn');
    expect(compileKeyTemplate('user:{0}')(['a b'])).toBe('user:a%20b');
  });

  it('cacheKey: different lists of parts never give the same key (property)', () => {
    fc.assert(
      fc.property(fc.array(anyPart, { maxLength: 5 }), fc.array(anyPart, { maxLength: 5 }), (left, right) => {
        // A part's type is fixed by its position, so 1 and '1' are the same part; null and
        // undefined are kept apart from every text.
        const samePart = (a: unknown, b: unknown) =>
          a === b ||
          (a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b));
        const same =
          left.length === right.length && left.every((part, index) => samePart(part, right[index]));
        expect(cacheKey('n', ...left) === cacheKey('n', ...right)).toBe(same);
      }),
      { seed: 9, numRuns: 2000 },
    );
  });

  it('cacheKey: distinct strings stay distinct through sanitising, surrogates included (property)', () => {
    fc.assert(
      fc.property(
        fc.array(anyText, { minLength: 1, maxLength: 4 }),
        fc.array(anyText, { minLength: 1, maxLength: 4 }),
        (left, right) => {
          fc.pre(JSON.stringify(left) !== JSON.stringify(right));
          const [leftName, ...leftParts] = left;
          const [rightName, ...rightParts] = right;
          expect(sanitizeCacheKey(cacheKey(leftName, ...leftParts))).not.toBe(
            sanitizeCacheKey(cacheKey(rightName, ...rightParts)),
          );
        },
      ),
      { seed: 9, numRuns: 2000 },
    );
    expect(cacheKey('\ud83d\ude00')).not.toBe(cacheKey('\ud83d\ude01'));
    expect(cacheKey('\ud800')).not.toBe(cacheKey('\udbff'));
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

import { decodeCacheEnvelope, encodeCacheEnvelope, prepareCacheEntry } from './cache-value.codec';

function fail(what: string): never {
  throw new Error(`${what} was undefined`);
}

describe('cache value codec', () => {
  it('round-trips a value with its tags and expiry', () => {
    const text = encodeCacheEnvelope({ value: { a: [1, 'x', null] }, tags: ['t'], expiresAt: 42 });
    expect(decodeCacheEnvelope(text)).toEqual({ value: { a: [1, 'x', null] }, tags: ['t'], expiresAt: 42 });
  });

  it('strips prototype-polluting keys, even when spelled with escapes', () => {
    const text =
      '{"v":{"__proto__":{"polluted":true},"nested":{"\\u005f_proto__":{"p":1},"constructor":{"prototype":{"q":1}},"ok":1}},"t":[],"e":1}';
    const decoded = decodeCacheEnvelope(text) ?? fail('decoded');
    const target = Object.assign({}, decoded.value as object, (decoded.value as { nested: object }).nested);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(decoded.value as object)).toEqual(['nested']);
    expect((decoded.value as { nested: object }).nested).toEqual({ ok: 1 });
    expect((target as Record<string, unknown>).p).toBeUndefined();
  });

  it('returns frozen values so one caller cannot change what the next one reads', () => {
    const decoded =
      decodeCacheEnvelope(encodeCacheEnvelope({ value: { list: [{ n: 1 }] }, tags: [], expiresAt: 1 })) ??
      fail('decoded');
    const value = decoded.value as { list: Array<{ n: number }> };
    expect(Object.isFrozen(value) && Object.isFrozen(value.list) && Object.isFrozen(value.list[0])).toBe(
      true,
    );
    expect(() => {
      'use strict';
      value.list[0].n = 2;
    }).toThrow(TypeError);
  });

  it('treats malformed entries as absent and refuses undefined', () => {
    expect(decodeCacheEnvelope('{not json')).toBeUndefined();
    expect(decodeCacheEnvelope('null')).toBeUndefined();
    expect(decodeCacheEnvelope('{"x":1}')).toBeUndefined();
    expect(() => encodeCacheEnvelope({ value: undefined, tags: [], expiresAt: 1 })).toThrow(TypeError);
  });

  it('shortens each TTL by a random 0..jitter %, spread over that range, with the expiry to match', () => {
    const before = Date.now();
    const entries = Array.from({ length: 200 }, () => prepareCacheEntry('v', ['t'], 600, 20));
    const ttls = entries.map((entry) => entry.ttlMs);
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(480);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(600);
    // 200 uniform draws over 120 ms: a spread under 60 ms has odds below 1e-50.
    expect(Math.max(...ttls) - Math.min(...ttls)).toBeGreaterThanOrEqual(60);
    for (const entry of entries) {
      expect(entry.envelope.expiresAt - before).toBeGreaterThanOrEqual(entry.ttlMs);
      expect(entry.envelope.expiresAt - Date.now()).toBeLessThanOrEqual(entry.ttlMs);
    }
    expect(prepareCacheEntry('v', [], 600, 0).ttlMs).toBe(600);
    expect(() => prepareCacheEntry(undefined, [], 600, 20)).toThrow(TypeError);
  });
});

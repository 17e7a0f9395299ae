import { findUnstorableInput, isStorableText } from './storable-input';

describe('findUnstorableInput', () => {
  it('accepts ordinary text, emoji (surrogate pairs) and non-string values', () => {
    expect(
      findUnstorableInput({ name: 'Zoë 😀', count: 3, tags: ['a', null], nested: { ok: true } }),
    ).toBeNull();
  });

  it.each([
    [{ email: 'a\u0000b' }, 'email'],
    [{ email: 'high \ud800 alone' }, 'email'],
    [{ email: 'low \udc00 alone' }, 'email'],
    [{ items: [{ tenantId: 'ok' }, { tenantId: 'x\u0000' }] }, 'items.1.tenantId'],
  ])('refuses %j naming %s', (value, field) => {
    expect(findUnstorableInput(value)).toEqual({ field, reason: expect.stringContaining('NUL') });
  });

  it('names the argument when a path parameter or a scalar is refused', () => {
    expect(findUnstorableInput('a\u0000', 'id')).toEqual(expect.objectContaining({ field: 'id' }));
    expect(findUnstorableInput('a\u0000')).toEqual(expect.objectContaining({ field: 'value' }));
  });

  it('refuses keys that carry NUL, spelling the character out in the field name', () => {
    expect(findUnstorableInput({ 'a\u0000': 1 })).toEqual({
      field: 'a\\u0000',
      reason: expect.stringContaining('field name'),
    });
  });

  it.each(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'prototype'])(
    'refuses the key %s at any depth',
    (key) => {
      const value = JSON.parse(`{"outer":[{"${key}":{"polluted":true}}]}`) as unknown;
      expect(findUnstorableInput(value)).toEqual({
        field: `outer.0.${key}`,
        reason: 'field name is not allowed',
      });
    },
  );

  it('walks input far deeper than the call stack without overflowing', () => {
    let deep: unknown = 'a\u0000';
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(findUnstorableInput(deep)?.reason).toContain('NUL');
  });

  it('isStorableText', () => {
    expect(isStorableText('plain')).toBe(true);
    expect(isStorableText('\ud83d\ude00')).toBe(true);
    expect(isStorableText('\ude00\ud83d')).toBe(false);
    expect(isStorableText('\u0000')).toBe(false);
  });
});

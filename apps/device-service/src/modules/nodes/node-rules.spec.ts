import { labelsProblem, taintsProblem } from './node-rules';

describe('node rules', () => {
  it('accepts small string labels under plain keys', () => {
    expect(labelsProblem({})).toBeNull();
    expect(labelsProblem({ zone: 'a', 'gpu.vendor/model': 'x-1' })).toBeNull();
  });

  it.each([
    ['an array', ['a']],
    ['null', null],
    ['a prototype key', JSON.parse('{"__proto__": "x"}')],
    ['constructor is fine as a value but not an odd key', { 'Bad Key': 'x' }],
    ['a NUL byte in a key', { 'a\u0000b': 'x' }],
    ['a NUL byte in a value', { zone: 'a\u0000' }],
    ['a number value', { zone: 1 }],
    ['a nested object', { zone: { deep: 'x' } }],
    ['too many keys', Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']))],
    ['a long value', { zone: 'x'.repeat(64) }],
  ])('refuses %s', (_label, labels) => {
    expect(labelsProblem(labels)).not.toBeNull();
  });

  it('refuses a taint listed twice, not the same key with two effects', () => {
    expect(
      taintsProblem([
        { key: 'gpu', effect: 'NoSchedule' },
        { key: 'gpu', effect: 'PreferNoSchedule' },
      ]),
    ).toBeNull();
    expect(
      taintsProblem([
        { key: 'gpu', effect: 'NoSchedule' },
        { key: 'gpu', value: 'x', effect: 'NoSchedule' },
      ]),
    ).toMatch(/twice/);
  });
});

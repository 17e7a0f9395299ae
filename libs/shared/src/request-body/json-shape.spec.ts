import { measureJson } from './json-shape';

const NO_LIMIT = { depth: Number.MAX_SAFE_INTEGER, values: Number.MAX_SAFE_INTEGER };

describe('measureJson', () => {
  it('counts the nesting of objects and arrays', () => {
    expect(measureJson('{}', NO_LIMIT).depth).toBe(1);
    expect(measureJson('{"a":[1,{"b":2}]}', NO_LIMIT).depth).toBe(3);
    expect(measureJson('[[],[[]]]', NO_LIMIT).depth).toBe(3);
  });

  it('ignores brackets, braces, commas and escaped quotes inside strings', () => {
    expect(measureJson('{"a":"[[[{{{,,,\\"[[["}', NO_LIMIT)).toEqual({ depth: 1, values: 1 });
    expect(measureJson('{"a\\\\":"[["}', NO_LIMIT).depth).toBe(1);
  });

  it('counts containers and separated elements', () => {
    expect(measureJson('[1,2,3]', NO_LIMIT).values).toBe(3);
    expect(measureJson('{"a":{"b":1,"c":2}}', NO_LIMIT).values).toBe(3);
  });

  it('stops as soon as a limit is passed, so a huge body costs no more than the limit', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(measureJson(deep, { depth: 32, values: 1_000 }).depth).toBe(33);
    const wide = `[${'0,'.repeat(100_000)}0]`;
    expect(measureJson(wide, { depth: 32, values: 1_000 }).values).toBe(1_001);
  });
});

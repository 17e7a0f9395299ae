import { planStableParameter } from './plan-stable-parameter';

describe('planStableParameter', () => {
  it('reads the placeholder through a scalar subquery, cast so ANY(…) stays an array comparison', () => {
    expect(planStableParameter('$4', 'uuid[]')).toBe('(SELECT $4::uuid[])::uuid[]');
    expect(planStableParameter('$12', 'int')).toBe('(SELECT $12::int)::int');
  });

  it('refuses anything but a placeholder and a plain type name', () => {
    expect(() => planStableParameter('1; DROP TABLE x', 'int')).toThrow('not a placeholder');
    expect(() => planStableParameter('$0', 'int')).toThrow('not a placeholder');
    expect(() => planStableParameter('$1', 'int); DROP TABLE x; --')).toThrow('not a type name');
  });
});

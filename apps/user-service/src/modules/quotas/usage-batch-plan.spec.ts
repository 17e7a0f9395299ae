import { reportsToApplyTogether } from './usage-batch-plan';

describe('reportsToApplyTogether', () => {
  const report = (userId: string, allocationId: string) => ({ userId, allocationId });

  it('takes every report of a batch with distinct users and allocations', () => {
    expect(reportsToApplyTogether([report('u1', 'a1'), report('u2', 'a2'), report('u3', 'a3')])).toEqual([
      0, 1, 2,
    ]);
  });

  it("leaves a user's later reports and an allocation's repeats to go alone", () => {
    const items = [
      report('u1', 'a1'),
      report('u1', 'a2'), // the same user: its quota row takes one report per statement
      report('u2', 'a1'), // the same allocation (another user): told apart alone
      report('u2', 'a3'), // u2's first report that can go
      report('u1', 'a1'), // a repeat
    ];
    expect(reportsToApplyTogether(items)).toEqual([0, 3]);
  });

  it('takes nothing from an empty batch', () => {
    expect(reportsToApplyTogether([])).toEqual([]);
  });
});

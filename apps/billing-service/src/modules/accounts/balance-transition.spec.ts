import { balanceTransition } from './balance-transition';

const THRESHOLD = 500n;

describe('balanceTransition', () => {
  it('flags the low-balance crossing only on the change that crosses it', () => {
    expect(balanceTransition({ balanceMinor: 600n, status: 'active' }, -100n, THRESHOLD)).toMatchObject({
      balanceMinor: 500n,
      crossedLowThreshold: false,
    });
    expect(balanceTransition({ balanceMinor: 500n, status: 'active' }, -1n, THRESHOLD)).toMatchObject({
      balanceMinor: 499n,
      crossedLowThreshold: true,
      becameOverdue: false,
      status: 'active',
    });
    expect(balanceTransition({ balanceMinor: 499n, status: 'active' }, -100n, THRESHOLD)).toMatchObject({
      crossedLowThreshold: false,
    });
  });

  it('goes overdue once when the balance turns negative, and back to active when it recovers', () => {
    const overdrawn = balanceTransition({ balanceMinor: 10n, status: 'active' }, -11n, THRESHOLD);
    expect(overdrawn).toMatchObject({ balanceMinor: -1n, status: 'overdue', becameOverdue: true });

    const deeper = balanceTransition({ balanceMinor: -1n, status: 'overdue' }, -50n, THRESHOLD);
    expect(deeper).toMatchObject({ status: 'overdue', becameOverdue: false, recovered: false });

    const partly = balanceTransition({ balanceMinor: -51n, status: 'overdue' }, 50n, THRESHOLD);
    expect(partly).toMatchObject({ balanceMinor: -1n, status: 'overdue', recovered: false });

    const repaid = balanceTransition({ balanceMinor: -1n, status: 'overdue' }, 1n, THRESHOLD);
    expect(repaid).toMatchObject({ balanceMinor: 0n, status: 'active', recovered: true });
  });

  it('reports both crossings when one charge jumps from above the threshold to negative', () => {
    expect(balanceTransition({ balanceMinor: 1000n, status: 'active' }, -2000n, THRESHOLD)).toMatchObject({
      balanceMinor: -1000n,
      crossedLowThreshold: true,
      becameOverdue: true,
    });
  });

  it('re-arms the low-balance crossing after a top-up above the threshold', () => {
    const toppedUp = balanceTransition({ balanceMinor: 100n, status: 'active' }, 900n, THRESHOLD);
    expect(toppedUp).toMatchObject({ balanceMinor: 1000n, crossedLowThreshold: false });
    expect(balanceTransition({ balanceMinor: 1000n, status: 'active' }, -600n, THRESHOLD)).toMatchObject({
      crossedLowThreshold: true,
    });
  });

  it('keeps a closed account closed', () => {
    expect(balanceTransition({ balanceMinor: 5n, status: 'closed' }, -10n, THRESHOLD)).toMatchObject({
      status: 'closed',
      becameOverdue: false,
    });
  });

  it('refuses to leave the bigint range', () => {
    expect(() =>
      balanceTransition({ balanceMinor: 2n ** 63n - 10n, status: 'active' }, 11n, THRESHOLD),
    ).toThrow(RangeError);
    expect(() =>
      balanceTransition({ balanceMinor: -(2n ** 63n), status: 'overdue' }, -1n, THRESHOLD),
    ).toThrow(RangeError);
  });
});

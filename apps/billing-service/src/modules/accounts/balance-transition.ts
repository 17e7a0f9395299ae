import type { AccountStatus } from './account-record';

const BIGINT_MAX = 2n ** 63n - 1n;
const BIGINT_MIN = -(2n ** 63n);

/** What applying an amount to a balance does: the new balance and status, and the lines it crosses. */
export interface BalanceTransition {
  balanceMinor: bigint;
  status: AccountStatus;
  /** From at least the low-balance threshold to below it: `billing.balance_low`, once per crossing. */
  crossedLowThreshold: boolean;
  /** From active to overdue (the balance went negative): `billing.overdue`, once per crossing. */
  becameOverdue: boolean;
  /** From overdue back to active (the balance is no longer negative). */
  recovered: boolean;
}

/**
 * The effect of adding `amountMinor` (negative for a charge) to an account. Crossings compare the
 * balance before and after one change made under the account's row lock, so each crossing is seen
 * by exactly one change, however many run concurrently. A closed account keeps its status.
 * Throws RangeError when the balance would leave the bigint range.
 */
export function balanceTransition(
  current: { balanceMinor: bigint; status: AccountStatus },
  amountMinor: bigint,
  lowThresholdMinor: bigint,
): BalanceTransition {
  const balanceMinor = current.balanceMinor + amountMinor;
  if (balanceMinor > BIGINT_MAX || balanceMinor < BIGINT_MIN) {
    throw new RangeError(`Balance ${balanceMinor} is outside the bigint range`);
  }
  const status: AccountStatus =
    current.status === 'closed' ? 'closed' : balanceMinor < 0n ? 'overdue' : 'active';
  return {
    balanceMinor,
    status,
    crossedLowThreshold: current.balanceMinor >= lowThresholdMinor && balanceMinor < lowThresholdMinor,
    becameOverdue: current.status === 'active' && status === 'overdue',
    recovered: current.status === 'overdue' && status === 'active',
  };
}

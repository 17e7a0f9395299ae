import type { AccountStatus } from './account.entity';

/** An account row as the money paths read it (under a row lock when it is about to change). */
export interface AccountSnapshot {
  id: string;
  userId: string;
  tenantId: string;
  /** Integer minor units; negative when overdrawn. */
  balanceMinor: bigint;
  currency: string;
  status: AccountStatus;
}

export const ACCOUNT_STATUSES = ['active', 'overdue', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

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

/** A user's prepaid balance, in integer minor units (cents); never a float. A row of `accounts`. */
export interface AccountRecord extends AccountSnapshot {
  createdAt: Date;
  updatedAt: Date;
}

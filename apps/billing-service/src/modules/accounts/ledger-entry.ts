/**
 * Why a balance changed; `opening_balance` only comes from migration 0003. `usage_slice`: a running
 * allocation charged in part before its usage report (or refunded, migration 0008).
 */
export type LedgerEntryKind =
  'opening_balance' | 'usage_charge' | 'top_up' | 'service_charge' | 'usage_slice';

/** A row of `ledger_entries`: one change of one account's balance and the balance it produced. */
export interface LedgerEntry {
  id: string;
  accountId: string;
  kind: LedgerEntryKind;
  /** Signed: negative for charges. */
  amountMinor: bigint;
  balanceAfterMinor: bigint;
  usageId: string | null;
  /** The `service_charges` row of a `service_charge` entry (migration 0004). */
  serviceChargeId: string | null;
  /** The `usage_slices` row of a `usage_slice` entry (migration 0008). */
  usageSliceId: string | null;
  reference: string | null;
}

/** An account whose balance differs from the sum of its ledger entries. */
export interface LedgerMismatch {
  userId: string;
  balanceMinor: string;
  ledgerSumMinor: string;
}

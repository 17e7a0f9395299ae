// What other billing modules may use of accounts: balances change only through AccountBalanceService,
// or in a usage settlement statement writing what its `plannedWrites` planned, with these fragments.
export { AccountBalanceService } from './account-balance.service';
export type {
  AppliedBalanceChange,
  BalanceChange,
  PlannedBalanceChange,
  PlannedBalanceWrites,
} from './account-balance.service';
export type { AccountSnapshot } from './account-record';
export { accountBalancesParameters, accountBalancesUpdateSql } from './accounts.repository';
export { AccountsModule } from './accounts.module';
export { usageChargesInsertSql, usageChargesParameters } from './ledger.repository';

// What other billing modules may use of accounts: balances change only through AccountBalanceService.
export { AccountBalanceService } from './account-balance.service';
export type { AppliedBalanceChange, BalanceChange, PlannedBalanceChange } from './account-balance.service';
export type { AccountSnapshot } from './account-record';
export { AccountsModule } from './accounts.module';

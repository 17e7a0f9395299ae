import { Module } from '@nestjs/common';
import { BillingMetricsJob } from './jobs/billing-metrics.job';
import { LedgerReconciliationJob } from './jobs/ledger-reconciliation.job';
import { OverdueDetectionJob } from './jobs/overdue-detection.job';
import { PricingModule } from '../pricing';
import { AccountBalanceService } from './account-balance.service';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { LedgerRepository } from './ledger.repository';

@Module({
  imports: [PricingModule],
  controllers: [AccountsController],
  providers: [
    AccountsService,
    AccountsRepository,
    AccountBalanceService,
    LedgerRepository,
    BillingMetricsJob,
    OverdueDetectionJob,
    LedgerReconciliationJob,
  ],
  exports: [AccountBalanceService],
})
export class AccountsModule {}

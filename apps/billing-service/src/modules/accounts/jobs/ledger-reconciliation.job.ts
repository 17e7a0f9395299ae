import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { AccountsService } from '../accounts.service';

/**
 * Ledger reconciliation (§6 billing runs): every hour, accounts whose balance differs from the sum
 * of their ledger entries are logged as errors and counted in a gauge. There should be none: every
 * balance change writes its entry in the same transaction.
 */
@Injectable()
export class LedgerReconciliationJob {
  private readonly mismatches: Gauge;

  constructor(
    private readonly accounts: AccountsService,
    metrics: MetricsService,
  ) {
    this.mismatches = metrics.gauge({
      name: 'cloudphone_billing_ledger_mismatches',
      help: 'Accounts whose balance differs from their ledger sum, capped at 100 (ledger-reconciliation job)',
    });
  }

  @ClusterSafeCron('17 * * * *', { name: 'ledger-reconciliation', maxRunMs: 5 * 60_000, jitterMs: 10_000 })
  async reconcile({ signal }: CronRunContext): Promise<void> {
    const found = await this.accounts.findLedgerMismatches(100);
    signal.throwIfAborted();
    this.mismatches.set(found.length);
  }
}

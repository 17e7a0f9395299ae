import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { AccountsRepository } from '../accounts.repository';

/**
 * Billing metrics (§6): accounts and their summed balances per status and currency, refreshed
 * every five minutes by whichever replica wins the tick.
 */
@Injectable()
export class BillingMetricsJob {
  private readonly logger = new Logger('BillingMetricsJob');
  private readonly accountsGauge: Gauge<'status' | 'currency'>;
  private readonly balanceGauge: Gauge<'status' | 'currency'>;

  constructor(
    private readonly accounts: AccountsRepository,
    metrics: MetricsService,
  ) {
    this.accountsGauge = metrics.gauge({
      name: 'cloudphone_billing_accounts',
      help: 'Accounts by status and currency (billing-metrics job)',
      labelNames: ['status', 'currency'],
    });
    this.balanceGauge = metrics.gauge({
      name: 'cloudphone_billing_balance_minor_units',
      help: 'Sum of account balances in minor units (cents) by status and currency (billing-metrics job)',
      labelNames: ['status', 'currency'],
    });
  }

  @ClusterSafeCron('*/5 * * * *', { name: 'billing-metrics', maxRunMs: 60_000, jitterMs: 3000 })
  async collect({ signal }: CronRunContext): Promise<void> {
    const rows = await this.accounts.summarizeByStatusAndCurrency();
    signal.throwIfAborted();
    this.accountsGauge.reset();
    this.balanceGauge.reset();
    for (const row of rows) {
      const labels = { status: row.status, currency: row.currency };
      this.accountsGauge.set(labels, row.count);
      // A gauge is a float; the exact sum stays in Postgres, this is for dashboards and alerts.
      this.balanceGauge.set(labels, Number(row.balanceMinor));
    }
    this.logger.log({
      msg: 'billing metrics collected',
      accounts: rows.reduce((sum, row) => sum + row.count, 0),
    });
  }
}

import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { InvoicesService } from '../invoices.service';

const BATCH = 500;

/**
 * Hourly: invoices with an amount due past their due time whose account is still negative turn
 * `overdue` (with `billing.invoice_overdue`); unpaid ones whose account is back at ≥ 0 turn `paid`.
 * Batches of conditional updates with SKIP LOCKED, so overlapping runs are harmless.
 */
@Injectable()
export class CheckOverdueInvoicesJob {
  constructor(private readonly invoices: InvoicesService) {}

  @ClusterSafeCron('41 * * * *', { name: 'check-overdue-invoices', maxRunMs: 10 * 60_000, jitterMs: 10_000 })
  async check({ signal }: CronRunContext): Promise<void> {
    for (;;) {
      const { overdue, paid } = await this.invoices.checkOverdue(BATCH);
      if ((overdue < BATCH && paid < BATCH) || signal.aborted) break;
    }
  }
}

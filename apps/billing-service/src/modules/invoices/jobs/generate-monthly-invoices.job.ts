import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { InvoiceGeneratorService } from '../invoice-generator.service';

/**
 * Monthly invoices: at 02:00 UTC on the 1st, one invoice per account and complete month still
 * missing one (the last INVOICE_BACKFILL_MONTHS months). Catch-up: a replica starting after a
 * missed tick runs it once. Any number of runs at once issue each account-month exactly once
 * (InvoiceGeneratorService), so a manual trigger is always safe.
 */
@Injectable()
export class GenerateMonthlyInvoicesJob {
  constructor(private readonly generator: InvoiceGeneratorService) {}

  @ClusterSafeCron('0 2 1 * *', {
    name: 'generate-monthly-invoices',
    maxRunMs: 60 * 60_000,
    jitterMs: 60_000,
    catchUp: true,
  })
  async generate({ signal }: CronRunContext): Promise<void> {
    await this.generator.generate(new Date(), signal);
  }
}

import { Module } from '@nestjs/common';
import { InvoiceEventsPublisher } from './invoice-events.publisher';
import { InvoiceGeneratorService } from './invoice-generator.service';
import { InvoiceStatementsRepository } from './invoice-statements.repository';
import { InvoicesController } from './invoices.controller';
import { InvoicesRepository } from './invoices.repository';
import { InvoicesService } from './invoices.service';
import { CheckOverdueInvoicesJob } from './jobs/check-overdue-invoices.job';
import { GenerateMonthlyInvoicesJob } from './jobs/generate-monthly-invoices.job';

/** Monthly invoices: statements of each account's ledger per calendar month (UTC). */
@Module({
  controllers: [InvoicesController],
  providers: [
    InvoicesService,
    InvoiceGeneratorService,
    InvoicesRepository,
    InvoiceStatementsRepository,
    InvoiceEventsPublisher,
    GenerateMonthlyInvoicesJob,
    CheckOverdueInvoicesJob,
  ],
})
export class InvoicesModule {}

import { Injectable, Logger } from '@nestjs/common';
import type { InvoiceDetailResponse, InvoiceResponse } from '@cloudphone/contracts';
import {
  assertMayActFor,
  type ListQuery,
  listOwnerFor,
  MetricsService,
  type Page,
  type Principal,
  TransactionRunner,
} from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { invoiceCsv, invoicesExportCsv } from './invoice-csv';
import { InvoiceEventsPublisher } from './invoice-events.publisher';
import { parsePeriod } from './invoice-period';
import type { InvoiceRecord } from './invoice-record';
import { invoiceDetailResponse, invoiceResponse } from './invoice-response.mapper';
import { InvoiceErrors } from './invoices.errors';
import { InvoicesRepository } from './invoices.repository';

/** Most invoices one export answers; a bigger month is read page by page from the list. */
export const INVOICE_EXPORT_MAX_ROWS = 50_000;

/** A CSV document and the file name it is offered under. */
export interface CsvDocument {
  filename: string;
  body: string;
}

/** Reading invoices, and moving them to overdue or paid (the check-overdue-invoices job). */
@Injectable()
export class InvoicesService {
  private readonly logger = new Logger(InvoicesService.name);
  private readonly statusChanges: Counter<'status'>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly invoices: InvoicesRepository,
    private readonly events: InvoiceEventsPublisher,
    metrics: MetricsService,
  ) {
    this.statusChanges = metrics.counter({
      name: 'cloudphone_billing_invoice_status_changes_total',
      help: 'Invoices moved by the check-overdue-invoices job, by new status (overdue, paid)',
      labelNames: ['status'],
    });
  }

  /** A page of invoices: a user's own; admins and services anyone's (or the `userId` they name). */
  async list(principal: Principal, query: ListQuery): Promise<Page<InvoiceResponse>> {
    const asked = query.filters.find((filter) => filter.name === 'userId')?.value;
    const owner = listOwnerFor(
      principal,
      asked === undefined ? undefined : String(asked),
      InvoiceErrors.otherUsersInvoices,
    );
    const filters = query.filters.map((filter) => {
      if (filter.name !== 'period') return filter;
      const periodStart = parsePeriod(String(filter.value));
      if (periodStart === null) throw InvoiceErrors.invalidPeriod();
      return { ...filter, value: periodStart };
    });
    const page = await this.invoices.list({ ...query, filters }, owner);
    return { ...page, items: page.items.map(invoiceResponse) };
  }

  async get(principal: Principal, id: string): Promise<InvoiceDetailResponse> {
    const invoice = await this.owned(principal, id);
    return invoiceDetailResponse(invoice, await this.invoices.linesOf(invoice.id));
  }

  /** The invoice and its lines as CSV, named after its number. */
  async csv(principal: Principal, id: string): Promise<CsvDocument> {
    const invoice = await this.owned(principal, id);
    const lines = await this.invoices.linesOf(invoice.id);
    return { filename: `${invoice.number}.csv`, body: invoiceCsv(invoice, lines) };
  }

  /** Every invoice of one month (`YYYY-MM`) as CSV, one row each (admins and services). */
  async exportCsv(period: string): Promise<CsvDocument> {
    const periodStart = parsePeriod(period);
    if (periodStart === null) throw InvoiceErrors.invalidPeriod();
    const invoices = await this.invoices.findByPeriod(periodStart, INVOICE_EXPORT_MAX_ROWS + 1);
    if (invoices.length > INVOICE_EXPORT_MAX_ROWS)
      throw InvoiceErrors.exportTooLarge(period, INVOICE_EXPORT_MAX_ROWS);
    return { filename: `invoices-${period}.csv`, body: invoicesExportCsv(invoices) };
  }

  /**
   * One batch of the check-overdue-invoices job: unpaid invoices whose account is back at ≥ 0
   * become `paid`; issued ones past due whose account is still negative become `overdue` and are
   * announced (`billing.invoice_overdue`) in the same transaction. Conditional updates with SKIP
   * LOCKED: concurrent runs move each invoice once.
   */
  async checkOverdue(limit: number): Promise<{ overdue: number; paid: number }> {
    const paid = await this.invoices.markPaid(limit);
    const overdue = await this.transactions.run(async () => {
      const moved = await this.invoices.markOverdue(limit);
      await this.events.overdue(moved);
      return moved;
    });
    this.statusChanges.inc({ status: 'paid' }, paid.length);
    this.statusChanges.inc({ status: 'overdue' }, overdue.length);
    if (paid.length + overdue.length > 0) {
      this.logger.log({
        msg: 'Invoice statuses updated',
        paid: paid.length,
        overdue: overdue.length,
      });
    }
    return { overdue: overdue.length, paid: paid.length };
  }

  /** The invoice when the caller may act for its owner; someone else's is as unknown as a missing one. */
  private async owned(principal: Principal, id: string): Promise<InvoiceRecord> {
    const invoice = await this.invoices.findById(id);
    if (!invoice) throw InvoiceErrors.notFound(id);
    assertMayActFor(principal, invoice.userId, () => InvoiceErrors.notFound(id));
    return invoice;
  }
}

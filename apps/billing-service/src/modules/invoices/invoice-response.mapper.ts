import type { InvoiceDetailResponse, InvoiceLineResponse, InvoiceResponse } from '@cloudphone/contracts';
import type { InvoiceLineRecord, InvoiceRecord } from './invoice-record';

/** Money as decimal strings (JSON has no bigint), times as ISO instants. */
export function invoiceResponse(invoice: InvoiceRecord): InvoiceResponse {
  return {
    id: invoice.id,
    number: invoice.number,
    userId: invoice.userId,
    tenantId: invoice.tenantId,
    period: invoice.periodStart.slice(0, 7),
    periodStart: invoice.periodStart,
    currency: invoice.currency,
    openingBalanceMinor: invoice.openingBalanceMinor.toString(),
    chargesMinor: invoice.chargesMinor.toString(),
    creditsMinor: invoice.creditsMinor.toString(),
    closingBalanceMinor: invoice.closingBalanceMinor.toString(),
    amountDueMinor: invoice.amountDueMinor.toString(),
    status: invoice.status,
    lineCount: invoice.lineCount,
    dueAt: invoice.dueAt.toISOString(),
    issuedAt: invoice.issuedAt.toISOString(),
    paidAt: invoice.paidAt?.toISOString() ?? null,
    overdueAt: invoice.overdueAt?.toISOString() ?? null,
  };
}

export function invoiceLineResponse(line: InvoiceLineRecord): InvoiceLineResponse {
  return {
    lineNo: line.lineNo,
    kind: line.kind,
    day: line.day,
    description: line.description,
    quantity: line.quantity,
    seconds: line.seconds?.toString() ?? null,
    amountMinor: line.amountMinor.toString(),
    reference: line.reference,
  };
}

export function invoiceDetailResponse(
  invoice: InvoiceRecord,
  lines: readonly InvoiceLineRecord[],
): InvoiceDetailResponse {
  return { ...invoiceResponse(invoice), lines: lines.map(invoiceLineResponse) };
}

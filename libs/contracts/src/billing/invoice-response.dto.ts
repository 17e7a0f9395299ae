import { ApiProperty } from '@nestjs/swagger';
import {
  INVOICE_LINE_KINDS,
  INVOICE_STATUSES,
  type InvoiceLineKind,
  type InvoiceStatus,
} from './invoice-attributes';

/**
 * An invoice: one account's statement for one calendar month (UTC). Money is integer minor units
 * as decimal strings; `openingBalanceMinor + creditsMinor − chargesMinor = closingBalanceMinor`.
 */
export class InvoiceResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'INV-202612-000001', description: 'Consecutive per invoiced month' })
  number!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: 'default' })
  tenantId!: string;

  @ApiProperty({ example: '2026-12', description: 'The invoiced month (UTC)' })
  period!: string;

  @ApiProperty({ example: '2026-12-01', description: 'First day of the month' })
  periodStart!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ example: '1500', description: 'Balance before the month' })
  openingBalanceMinor!: string;

  @ApiProperty({ example: '2300', description: 'What the month charged (≥ 0)' })
  chargesMinor!: string;

  @ApiProperty({ example: '500', description: 'What the month credited (≥ 0)' })
  creditsMinor!: string;

  @ApiProperty({ example: '-300', description: 'Balance after the month' })
  closingBalanceMinor!: string;

  @ApiProperty({ example: '300', description: 'What the month left unpaid: max(0, −closing balance)' })
  amountDueMinor!: string;

  @ApiProperty({ enum: INVOICE_STATUSES })
  status!: InvoiceStatus;

  @ApiProperty({ description: 'Number of lines' })
  lineCount!: number;

  @ApiProperty({ format: 'date-time' })
  dueAt!: string;

  @ApiProperty({ format: 'date-time' })
  issuedAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  paidAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  overdueAt!: string | null;
}

/** One line: the month's ledger entries of one kind (and source) on one UTC day, summed. */
export class InvoiceLineResponse {
  @ApiProperty({ example: 1 })
  lineNo!: number;

  @ApiProperty({ enum: INVOICE_LINE_KINDS })
  kind!: InvoiceLineKind;

  @ApiProperty({ example: '2026-12-03' })
  day!: string;

  @ApiProperty({ example: 'Device usage (3 allocations)' })
  description!: string;

  @ApiProperty({ description: 'Ledger entries summed (allocations, charges, top-ups)' })
  quantity!: number;

  @ApiProperty({ nullable: true, type: String, description: 'Usage: billed seconds; else null' })
  seconds!: string | null;

  @ApiProperty({ example: '-42', description: 'Signed: negative for charges' })
  amountMinor!: string;

  @ApiProperty({ nullable: true, type: String, description: 'The entry’s reference when quantity is 1' })
  reference!: string | null;
}

/** Answer of `GET /billing/invoices/:id`: the invoice and its lines. */
export class InvoiceDetailResponse extends InvoiceResponse {
  @ApiProperty({ type: [InvoiceLineResponse] })
  lines!: InvoiceLineResponse[];
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { INVOICE_PERIOD_PATTERN } from './invoice-attributes';

/** Query of `GET /billing/invoices/export.csv` (admin): every invoice of one month. */
export class InvoiceExportQuery {
  @ApiProperty({ example: '2026-12', description: 'The invoiced month, YYYY-MM (UTC)' })
  @IsString()
  @Matches(INVOICE_PERIOD_PATTERN, { message: 'period must be a month written YYYY-MM' })
  period!: string;
}

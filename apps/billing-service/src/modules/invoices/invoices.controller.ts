import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  BILLING_ROUTES,
  IdParams,
  InvoiceDetailResponse,
  InvoiceExportQuery,
  InvoiceResponse,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import type { Response } from 'express';
import { INVOICES_LIST_QUERY } from './invoices.list-query';
import { type CsvDocument, InvoicesService } from './invoices.service';

// Fixed paths (the list, export.csv) are declared before `:id`, which would otherwise take them.
@ApiCommonErrors()
@ApiTags('invoices')
@ApiBearerAuth()
@ApiKeyScope('billing')
@Controller()
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get(BILLING_ROUTES.invoices)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'Invoices, newest month first: your own; admins and services any user’s' })
  @ApiListQuery(INVOICES_LIST_QUERY)
  @ApiPaginatedResponse(InvoiceResponse)
  list(
    @ListQueryParam(INVOICES_LIST_QUERY) query: ListQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Page<InvoiceResponse>> {
    return this.invoices.list(principal, query);
  }

  @Get(BILLING_ROUTES.invoicesExport)
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Every invoice of one month as CSV, one row each (admin or service)' })
  @ApiCsvResponse()
  @ApiErrorResponses({ 422: ['INVOICE_EXPORT_TOO_LARGE'] })
  async export(
    @Query() query: InvoiceExportQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    return sendCsv(response, await this.invoices.exportCsv(query.period));
  }

  @Get(BILLING_ROUTES.invoice)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'One invoice with its lines (its owner, an admin or a service)' })
  @ApiOkResponse({ type: InvoiceDetailResponse })
  @ApiErrorResponses({ 404: ['INVOICE_NOT_FOUND'] })
  get(@Param() params: IdParams, @CurrentPrincipal() principal: Principal): Promise<InvoiceDetailResponse> {
    return this.invoices.get(principal, params.id);
  }

  @Get(BILLING_ROUTES.invoiceCsv)
  @AllowServiceTokens()
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'One invoice with its lines as CSV (its owner, an admin or a service)' })
  @ApiCsvResponse()
  @ApiErrorResponses({ 404: ['INVOICE_NOT_FOUND'] })
  async csv(
    @Param() params: IdParams,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    return sendCsv(response, await this.invoices.csv(principal, params.id));
  }
}

/** The file names are invoice numbers or `invoices-YYYY-MM`: nothing to escape in the header. */
/** A CSV download; its errors stay JSON. */
function ApiCsvResponse() {
  return ApiOkResponse({ content: { 'text/csv': { schema: { type: 'string' } } } });
}

function sendCsv(response: Response, document: CsvDocument): string {
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${document.filename}"`);
  response.setHeader('Cache-Control', 'no-store');
  return document.body;
}

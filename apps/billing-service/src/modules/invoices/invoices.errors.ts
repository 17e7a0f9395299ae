import { AppError, CommonErrors } from '@cloudphone/shared';

export const InvoiceErrors = {
  // Someone else's invoice is as unknown as a missing one: its id says nothing about who owns it.
  notFound: (id: string) => new AppError('INVOICE_NOT_FOUND', 404, `Invoice ${id} was not found`, { id }),
  otherUsersInvoices: () =>
    CommonErrors.forbidden('Only admins and services may list another user’s invoices'),
  invalidPeriod: () =>
    CommonErrors.validationFailed('period: must be a month written YYYY-MM', [
      { field: 'period', reasons: ['must be a month written YYYY-MM'] },
    ]),
  exportTooLarge: (period: string, limit: number) =>
    new AppError(
      'INVOICE_EXPORT_TOO_LARGE',
      422,
      `More than ${limit} invoices for ${period}: export them page by page from GET /billing/invoices`,
      { period, limit },
    ),
};

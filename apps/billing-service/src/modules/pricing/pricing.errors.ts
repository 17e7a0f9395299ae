import { AppError, CommonErrors } from '@cloudphone/shared';

export const PricingErrors = {
  noPlan: (currency: string) => CommonErrors.notFound(`No price plan for currency ${currency}`, { currency }),
  /**
   * A charge or check for an account whose currency has no plan: an operator must add one. 503 so
   * that callers keep usage reports and resend them (a 4xx would make them drop the report).
   */
  notConfigured: (currency: string) =>
    new AppError('PRICING_NOT_CONFIGURED', 503, `No price plan is in force for currency ${currency}`, {
      currency,
    }),
};

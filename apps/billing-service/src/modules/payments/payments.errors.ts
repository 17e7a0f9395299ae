import { AppError, CommonErrors } from '@cloudphone/shared';

/** Refusals of the payments module, each with a stable code. */
export const PaymentErrors = {
  notFound: (paymentId: string) => new AppError('PAYMENT_NOT_FOUND', 404, 'Payment not found', { paymentId }),
  actingForOthers: () => CommonErrors.forbidden('Only admins may list other users’ payments'),
  usersOnly: () => CommonErrors.forbidden('Payments are made by users (a JWT or an API key), not services'),
  currencyMismatch: (accountCurrency: string, currency: string) =>
    CommonErrors.conflict(
      'CURRENCY_MISMATCH',
      `The payment is in ${currency}, but the account is kept in ${accountCurrency}`,
      { accountCurrency, currency },
    ),
  nothingToCharge: (couponCode: string) =>
    new AppError(
      'PAYMENT_NOTHING_TO_CHARGE',
      422,
      `Coupon ${couponCode} discounts the whole amount; a payment must charge at least one minor unit`,
      { couponCode },
    ),
  notSimulated: (paymentId: string, provider: string) =>
    CommonErrors.conflict(
      'PAYMENT_NOT_SIMULATED',
      `Payment ${paymentId} goes through ${provider}, not the configured simulated provider`,
      { paymentId, provider },
    ),
  notOpen: (paymentId: string) =>
    CommonErrors.conflict('PAYMENT_NOT_OPEN', `Payment ${paymentId} was never created at its provider`, {
      paymentId,
    }),
  providerUnavailable: (retryAfterMs?: number) =>
    new AppError(
      'PAYMENT_PROVIDER_UNAVAILABLE',
      503,
      'The payment provider is unavailable; try again shortly',
      undefined,
      retryAfterMs === undefined
        ? undefined
        : { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
    ),
  providerRefused: (providerCode: string | undefined) =>
    new AppError('PAYMENT_REFUSED_BY_PROVIDER', 422, 'The payment provider refused the payment', {
      providerCode: providerCode ?? null,
    }),
  webhookSignatureInvalid: (reason: string) => new AppError('WEBHOOK_SIGNATURE_INVALID', 400, reason),
  webhookPayloadInvalid: (reason: string) => new AppError('WEBHOOK_PAYLOAD_INVALID', 400, reason),
  webhookNotConfigured: (provider: string) =>
    new AppError('WEBHOOK_NOT_CONFIGURED', 404, `PAYMENT_PROVIDER is not ${provider}: its webhook is off`, {
      provider,
    }),
};

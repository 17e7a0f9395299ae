import { AppError, CommonErrors } from '@cloudphone/shared';

export const ProviderErrors = {
  notFound: (providerId: string) =>
    new AppError('PROXY_PROVIDER_NOT_FOUND', 404, 'Proxy provider not found', { providerId }),
  nameTaken: (name: string) =>
    CommonErrors.conflict('PROXY_PROVIDER_EXISTS', `A provider named ${name} exists already`, { name }),
  inUse: (providerId: string) =>
    CommonErrors.conflict(
      'PROXY_PROVIDER_IN_USE',
      'The provider has proxies (rentals keep their history); disable it instead',
      { providerId },
    ),
  noApi: (providerId: string) =>
    CommonErrors.conflict('PROXY_PROVIDER_HAS_NO_API', 'A manual provider has no API to call', {
      providerId,
    }),
  apiKeyRequired: () =>
    CommonErrors.validationFailed('apiKey: a webshare provider needs its API key', [
      { field: 'apiKey', reasons: ['is required for kind webshare'] },
    ]),
  vendorFailed: (providerId: string, code: string, message: string, retryAfterMs?: number) =>
    new AppError(
      'PROXY_VENDOR_FAILED',
      502,
      `The provider's API failed: ${message}`,
      { providerId, vendorCode: code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
      retryAfterMs === undefined ? undefined : { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) },
    ),
  emptyUpdate: () =>
    CommonErrors.validationFailed(
      'Nothing to update: send at least one of apiUrl, apiKey, defaultCostPerHourMicros, defaultCostPerGbMicros, dailyBudgetMicros',
    ),
};

import { AppError, CommonErrors } from '@cloudphone/shared';

export const SmsProviderErrors = {
  notFound: (providerId: string) =>
    new AppError('SMS_PROVIDER_NOT_FOUND', 404, 'SMS provider not found', { providerId }),
  nameTaken: (name: string) =>
    CommonErrors.conflict('SMS_PROVIDER_EXISTS', `A provider named ${name} exists already`, { name }),
  inUse: (providerId: string) =>
    CommonErrors.conflict(
      'SMS_PROVIDER_IN_USE',
      'The provider has rented numbers (their history stays); disable it instead',
      {
        providerId,
      },
    ),
  apiKeyRequired: () =>
    CommonErrors.validationFailed('apiKey: a fivesim provider needs its API key', [
      { field: 'apiKey', reasons: ['is required for kind fivesim'] },
    ]),
  emptyUpdate: () => CommonErrors.validationFailed('Nothing to update: send at least one of apiUrl, apiKey'),
};

import { AppError, CommonErrors } from '@cloudphone/shared';

export const NumberErrors = {
  notFound: (numberId: string) => new AppError('SMS_NUMBER_NOT_FOUND', 404, 'Number not found', { numberId }),
  noneAvailable: (service: string, countryCode: string, tried: string[]) =>
    CommonErrors.conflict(
      'NO_NUMBER_AVAILABLE',
      `No provider has a number for ${service} in ${countryCode} now`,
      {
        service,
        countryCode,
        tried,
      },
    ),
  /** No provider may be asked now: a state of the platform's setup, not of this request (409, like an empty stock). */
  noProvider: (service: string, countryCode: string) =>
    CommonErrors.conflict('NO_NUMBER_AVAILABLE', 'No SMS provider is enabled, healthy and unblocked now', {
      service,
      countryCode,
      tried: [],
    }),
  hasCode: (numberId: string) =>
    CommonErrors.conflict(
      'SMS_NUMBER_HAS_CODE',
      'The number received its code (and was charged); finish it instead',
      {
        numberId,
      },
    ),
  noCode: (numberId: string) =>
    CommonErrors.conflict(
      'SMS_NUMBER_NO_CODE',
      'The number has no code yet; cancel it to give it back for free',
      {
        numberId,
      },
    ),
  ended: (numberId: string, status: string) =>
    CommonErrors.conflict('SMS_NUMBER_ENDED', `The number is ${status}`, { numberId, status }),
  allocationNotFound: (allocationId: string) =>
    new AppError('ALLOCATION_NOT_FOUND', 404, 'No such allocation of this user', { allocationId }),
  allocationNotActive: (allocationId: string, status: string) =>
    CommonErrors.conflict('ALLOCATION_NOT_ACTIVE', 'A number can only be bound to an active allocation', {
      allocationId,
      status,
    }),
  userRequired: () =>
    CommonErrors.validationFailed('userId: required with a service token', [
      { field: 'userId', reasons: ['is required with a service token'] },
    ]),
  actingForOthers: () =>
    new AppError('FORBIDDEN', 403, "Only an admin or a service may act for another user's numbers"),
};

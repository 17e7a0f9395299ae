import { AppError, CommonErrors } from '@cloudphone/shared';

export const RentalErrors = {
  notFound: (rentalId: string) =>
    new AppError('PROXY_RENTAL_NOT_FOUND', 404, 'Proxy rental not found', { rentalId }),
  noneAvailable: (countryCode: string) =>
    CommonErrors.conflict(
      'NO_PROXY_AVAILABLE',
      `No proxy matching the requirements is free in ${countryCode}`,
      {
        countryCode,
      },
    ),
  ended: (rentalId: string) =>
    CommonErrors.conflict('PROXY_RENTAL_ENDED', 'The rental has ended; acquire a new proxy', { rentalId }),
  allocationNotFound: (allocationId: string) =>
    new AppError('ALLOCATION_NOT_FOUND', 404, 'No such allocation of this user', { allocationId }),
  allocationNotActive: (allocationId: string, status: string) =>
    CommonErrors.conflict('ALLOCATION_NOT_ACTIVE', 'A proxy can only be bound to an active allocation', {
      allocationId,
      status,
    }),
  userRequired: () =>
    CommonErrors.validationFailed('userId: required with a service token', [
      { field: 'userId', reasons: ['is required with a service token'] },
    ]),
  actingForOthers: () =>
    new AppError('FORBIDDEN', 403, "Only an admin or a service may act for another user's proxies"),
};

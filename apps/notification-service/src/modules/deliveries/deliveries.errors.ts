import { AppError, CommonErrors } from '@cloudphone/shared';

export const DeliveryErrors = {
  // Another user's delivery answers like a missing one, so ids do not leak.
  notFound: (id: string) => new AppError('DELIVERY_NOT_FOUND', 404, 'Delivery not found', { id }),
  otherUsers: () => CommonErrors.forbidden("Only admins may read another user's deliveries"),
  contentGone: (id: string) =>
    new AppError(
      'DELIVERY_CONTENT_GONE',
      409,
      'This delivery held a single-use token and kept no content once it settled; request a new email instead',
      { id },
    ),
  invalidId: () =>
    CommonErrors.validationFailed('id: must be a UUID', [{ field: 'id', reasons: ['must be a UUID'] }]),
};

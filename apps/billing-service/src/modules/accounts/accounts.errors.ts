import { AppError, CommonErrors } from '@cloudphone/shared';

export const AccountErrors = {
  otherUsersAccount: () => CommonErrors.forbidden('Only admins and services may read another user’s account'),
  topUpConflict: (reference: string) =>
    CommonErrors.conflict(
      'TOP_UP_CONFLICT',
      `Top-up reference ${reference} was already applied with another user or amount`,
      { reference },
    ),
  balanceOutOfRange: () =>
    new AppError('BALANCE_OUT_OF_RANGE', 422, 'The balance would leave the representable range'),
};

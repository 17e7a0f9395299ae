import { AppError, CommonErrors } from '@cloudphone/shared';

/** Refusals of service charges. All are final: resending the same charge meets the same answer. */
export const ChargeErrors = {
  conflict: (reference: string) =>
    CommonErrors.conflict(
      'CHARGE_CONFLICT',
      `Charge ${reference} was already recorded with another user, source, amount or currency`,
      { reference },
    ),
  currencyMismatch: (reference: string, accountCurrency: string, currency: string) =>
    CommonErrors.conflict(
      'CURRENCY_MISMATCH',
      `Charge ${reference} is in ${currency}, but the user's account is kept in ${accountCurrency}`,
      { reference, accountCurrency, currency },
    ),
  // The same code as the accounts module's, which refuses a balance leaving the bigint range.
  balanceOutOfRange: () =>
    new AppError('BALANCE_OUT_OF_RANGE', 422, 'The balance would leave the representable range'),
};

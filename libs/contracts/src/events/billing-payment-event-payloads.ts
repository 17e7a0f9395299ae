import { IsIn, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { CURRENCY_PATTERN, MINOR_UNITS_PATTERN } from '../common/money';
import { PAYMENT_PROVIDERS, type PaymentProviderKind } from '../billing/payment-attributes';
import { EVENT_FIELD_LIMITS, IsEventTime } from './event-payload-fields';
import { UserEventData } from './event-payloads';

const MONEY = { message: '$property must be integer minor units as a decimal string' };
const CURRENCY = { message: '$property must be an ISO 4217 currency code' };

/** Which payment an event is about, whose, and its amounts. */
abstract class BillingPaymentEventData extends UserEventData {
  @IsUUID()
  paymentId!: string;

  @IsIn(PAYMENT_PROVIDERS)
  provider!: PaymentProviderKind;

  /** What the account is credited when the payment succeeds. */
  @Matches(MINOR_UNITS_PATTERN, MONEY)
  amountMinor!: string;

  /** What the payer is charged: `amountMinor` less a coupon's discount. */
  @Matches(MINOR_UNITS_PATTERN, MONEY)
  chargedMinor!: string;

  @Matches(CURRENCY_PATTERN, CURRENCY)
  currency!: string;
}

/** `billing.payment_succeeded` v1: a payment was taken and the account credited `amountMinor`, once. */
export class BillingPaymentSucceededEventData extends BillingPaymentEventData {
  /** The balance right after the credit. */
  @Matches(MINOR_UNITS_PATTERN, MONEY)
  balanceMinor!: string;

  @IsEventTime()
  settledAt!: string;
}

/**
 * `billing.payment_failed` v1: a payment did not go through: `failed` (declined; the payer may still
 * retry it), `canceled` (at the provider) or `expired` (open past PAYMENT_TIMEOUT_MINUTES).
 */
export class BillingPaymentFailedEventData extends BillingPaymentEventData {
  @IsIn(['failed', 'canceled', 'expired'])
  status!: 'failed' | 'canceled' | 'expired';

  /** The provider's reason (a decline code), or null. */
  @ValidateIf((_data: object, value: unknown) => value !== null)
  @IsString()
  @MaxLength(EVENT_FIELD_LIMITS.nameMaxLength)
  failureCode!: string | null;
}

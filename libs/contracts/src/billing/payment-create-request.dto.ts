import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { CURRENCY_PATTERN } from '../common/money';
import { OptionalField } from '../common/optional-field.decorator';
import { COUPON_CODE_PATTERN } from './coupon-attributes';
import { PAYMENT_AMOUNT_PATTERN } from './payment-attributes';

/**
 * Body of `POST /billing/payments`: pay `amountMinor` into the caller's own account. With a coupon
 * the payer is charged less and the account still credited the whole `amountMinor`.
 */
export class PaymentCreateRequest {
  @ApiProperty({ example: '5000', description: 'Amount to credit, 1 to 99,999,999 minor units' })
  @IsString()
  @Matches(PAYMENT_AMOUNT_PATTERN, {
    message: 'amountMinor must be an integer string of minor units from 1 to 99999999',
  })
  amountMinor!: string;

  @ApiPropertyOptional({ example: 'USD', description: 'The account’s currency (the default when absent)' })
  @OptionalField()
  @IsString()
  @Matches(CURRENCY_PATTERN, { message: 'currency must be a three-letter upper-case ISO 4217 code' })
  currency?: string;

  @ApiPropertyOptional({ example: 'WELCOME10', description: 'Case-insensitive' })
  @OptionalField()
  @IsString()
  @Matches(COUPON_CODE_PATTERN, {
    message: 'couponCode must be 3-40 letters, digits, _ or - starting with a letter or digit',
  })
  couponCode?: string;
}

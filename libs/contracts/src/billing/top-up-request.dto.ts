import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { TOP_UP_AMOUNT_PATTERN, TOP_UP_REFERENCE_PATTERN } from './billing-limits';

/**
 * Body of `POST /billing/accounts/:userId/top-up` (admin). Applied once per `reference`: a resend
 * answers `duplicate: true` with the first result; the same reference with another user or amount
 * is refused with 409 TOP_UP_CONFLICT.
 */
export class TopUpRequest {
  @ApiProperty({ example: '5000', description: 'Amount to credit, a positive integer of minor units' })
  @IsString()
  @Matches(TOP_UP_AMOUNT_PATTERN, { message: 'amountMinor must be a positive integer string of minor units' })
  amountMinor!: string;

  @ApiProperty({ example: 'pi_3NxYz2', description: 'Payment reference; the idempotency key of the top-up' })
  @IsString()
  @Matches(TOP_UP_REFERENCE_PATTERN, {
    message: 'reference must be 1-128 letters, digits or ._:- starting with a letter or digit',
  })
  reference!: string;
}

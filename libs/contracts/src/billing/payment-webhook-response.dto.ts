import { ApiProperty } from '@nestjs/swagger';

/** Answer of `POST /billing/payments/webhooks/stripe` (200): the provider needs no more. */
export class PaymentWebhookResponse {
  @ApiProperty()
  received!: boolean;

  @ApiProperty({ description: 'The event id was handled before: nothing changed now' })
  duplicate!: boolean;
}

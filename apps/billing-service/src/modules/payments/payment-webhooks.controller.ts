import { Controller, HttpCode, Post, type RawBodyRequest, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BILLING_ROUTES, PaymentWebhookResponse } from '@cloudphone/contracts';
import { ApiCommonErrors, ApiErrorResponses, Public } from '@cloudphone/shared';
import type { Request } from 'express';
import { PaymentWebhooksService } from './payment-webhooks.service';

/**
 * Payment providers' webhooks. Public (the provider has no token of ours): the signature over the
 * raw body is the authentication, checked before anything of the body is used. The shared JSON
 * body parser keeps the bytes it parsed as `rawBody`; the parsed body is not read here.
 */
@ApiCommonErrors()
@ApiTags('payments')
@Controller()
export class PaymentWebhooksController {
  constructor(private readonly webhooks: PaymentWebhooksService) {}

  @Post(BILLING_ROUTES.paymentWebhookStripe)
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Stripe webhook (signed with Stripe-Signature; docs/payments.md)' })
  @ApiOkResponse({ type: PaymentWebhookResponse })
  @ApiErrorResponses({
    400: ['WEBHOOK_SIGNATURE_INVALID', 'WEBHOOK_PAYLOAD_INVALID'],
    404: ['WEBHOOK_NOT_CONFIGURED'],
  })
  stripe(@Req() request: RawBodyRequest<Request>): Promise<PaymentWebhookResponse> {
    return this.webhooks.receive('stripe', request.rawBody, request.headers);
  }
}

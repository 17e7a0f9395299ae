import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PaymentProviderKind, PaymentWebhookResponse } from '@cloudphone/contracts';
import {
  PAYMENT_PROVIDER,
  type PaymentEvent,
  type PaymentProvider,
  PaymentProviderError,
  type WebhookHeaders,
} from '../../integrations/payments';
import { PaymentMetrics } from './payment-metrics';
import { PaymentSettlementService } from './payment-settlement.service';
import { PaymentErrors } from './payments.errors';

/**
 * A provider's webhook request: its signature is proven over the raw bytes before anything of it
 * is read, then its event is acted on once per event id (PaymentSettlementService). A request that
 * fails the check is a 400 and writes nothing.
 */
@Injectable()
export class PaymentWebhooksService {
  private readonly logger = new Logger(PaymentWebhooksService.name);

  constructor(
    private readonly settlement: PaymentSettlementService,
    private readonly metrics: PaymentMetrics,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
  ) {}

  async receive(
    provider: PaymentProviderKind,
    rawBody: Buffer | undefined,
    headers: WebhookHeaders,
  ): Promise<PaymentWebhookResponse> {
    if (this.provider.kind !== provider) throw PaymentErrors.webhookNotConfigured(provider);
    const event = this.verify(provider, rawBody ?? Buffer.alloc(0), headers);
    const { duplicate, payment } = await this.settlement.applyEvent(provider, event);
    const outcome = duplicate
      ? 'duplicate'
      : event.outcome === null
        ? 'ignored'
        : payment === null
          ? 'unknown_payment'
          : 'applied';
    this.metrics.webhooks.inc({ provider, outcome });
    this.logger.log({
      msg: 'Payment webhook received',
      provider,
      eventId: event.eventId,
      type: event.type,
      outcome,
      paymentId: payment?.id ?? null,
      status: payment?.status ?? null,
    });
    return { received: true, duplicate };
  }

  private verify(provider: PaymentProviderKind, rawBody: Buffer, headers: WebhookHeaders): PaymentEvent {
    try {
      return this.provider.verifyWebhook(rawBody, headers);
    } catch (error) {
      if (!(error instanceof PaymentProviderError)) throw error;
      this.metrics.webhooks.inc({ provider, outcome: 'invalid' });
      // Someone may be probing with forged requests: a warning, with the reason, never the body.
      this.logger.warn({ msg: 'Payment webhook refused', provider, code: error.code, reason: error.message });
      if (error.code === 'WEBHOOK_PAYLOAD_INVALID') throw PaymentErrors.webhookPayloadInvalid(error.message);
      throw PaymentErrors.webhookSignatureInvalid(error.message);
    }
  }
}

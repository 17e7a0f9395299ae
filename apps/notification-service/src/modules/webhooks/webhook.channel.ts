import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { WEBHOOK_HEADERS, type WebhookPayload } from '@cloudphone/contracts';
import { CredentialsCipher } from '@cloudphone/shared';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { WebhookHttpSender } from '../../integrations/webhook-http';
import {
  type ChannelOutcome,
  DeliveryChannels,
  type DeliveryToSend,
  type NotificationChannel,
  deliveredNotification,
} from '../deliveries';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { webhookOutcome } from './webhook-outcome';
import { signWebhook } from './webhook-signature';
import { checkWebhookUrl } from './webhook-url.guard';
import { WebhooksMetrics } from './webhooks.metrics';

export const WEBHOOK_USER_AGENT = 'Cloudphone-Webhooks/1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The webhook channel: a delivery per enabled endpoint of the user that takes the event type, sent
 * as one signed JSON POST. Each attempt reloads the endpoint (deleted, disabled or no longer taking
 * the type: skipped) and its current secret, and signs with a fresh timestamp; the delivery id in
 * the body and X-Cloudphone-Delivery is the same on every attempt and replay, so receivers
 * deduplicate by it. Expected failures are classified (webhook-outcome.ts), never thrown. Neither
 * the URL (it may carry a token) nor the secret is logged.
 */
@Injectable()
export class WebhookChannel implements NotificationChannel, OnModuleInit {
  readonly name = 'webhook' as const;
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly channels: DeliveryChannels,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly cipher: CredentialsCipher,
    private readonly sender: WebhookHttpSender,
    private readonly config: NotificationServiceConfig,
    private readonly metrics: WebhooksMetrics,
  ) {}

  onModuleInit(): void {
    this.channels.register(this);
  }

  targetsFor(userId: string, eventType: string): Promise<string[]> {
    return this.endpoints.targetsFor(userId, eventType);
  }

  async send(delivery: DeliveryToSend): Promise<ChannelOutcome> {
    const endpoint = UUID.test(delivery.target)
      ? await this.endpoints.findForDelivery(delivery.target)
      : null;
    if (!endpoint || endpoint.userId !== delivery.userId) return skipped('the endpoint does not exist');
    if (endpoint.deleted) return skipped('the endpoint was deleted');
    if (!endpoint.enabled) return skipped('the endpoint is disabled');
    if (endpoint.eventTypes.length > 0 && !endpoint.eventTypes.includes(delivery.eventType)) {
      return skipped('the endpoint no longer takes this event type');
    }
    // Again at send time: the setting may have changed since the endpoint was registered.
    const url = checkWebhookUrl(endpoint.url, {
      allowPrivateNetworks: this.config.webhookAllowPrivateNetworks,
    });
    if (!url.ok) return { result: 'failed', code: url.code, error: `url: ${url.reason}`, permanent: true };
    let secret: string;
    try {
      secret = this.cipher.decrypt(endpoint.secretCiphertext);
    } catch {
      // Written under another VENDOR_CREDENTIALS_KEY: no retry helps until the key is restored.
      return {
        result: 'failed',
        code: 'WEBHOOK_SECRET_UNREADABLE',
        error: 'the signing secret cannot be decrypted',
        permanent: true,
      };
    }
    const body = JSON.stringify(webhookPayload(delivery));
    const answer = await this.sender.post({
      url: url.url,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        [WEBHOOK_HEADERS.signature]: signWebhook(secret, body, Math.floor(Date.now() / 1000)),
        [WEBHOOK_HEADERS.delivery]: delivery.id,
        [WEBHOOK_HEADERS.event]: delivery.eventType,
      },
    });
    this.metrics.answers.inc({ answer: WebhooksMetrics.classOf(answer) });
    if (answer.kind === 'refused-address') {
      this.logger.warn({
        msg: 'webhook host resolves to a refused address; not sent',
        deliveryId: delivery.id,
        endpointId: delivery.target,
        reason: answer.reason,
      });
    }
    return webhookOutcome(answer);
  }
}

/** The JSON body: the delivery id, the event, the notification's text and the event's data. */
export function webhookPayload(delivery: DeliveryToSend): WebhookPayload {
  return { id: delivery.id, ...deliveredNotification(delivery) };
}

function skipped(reason: string): ChannelOutcome {
  return { result: 'skipped', reason };
}

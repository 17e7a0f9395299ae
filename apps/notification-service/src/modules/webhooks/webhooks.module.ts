import { Module } from '@nestjs/common';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { WebhookHttpSender } from '../../integrations/webhook-http';
import { DeliveriesModule } from '../deliveries';
import { WebhookChannel } from './webhook.channel';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { refusedAddressReason } from './webhook-url.guard';
import { WebhooksController } from './webhooks.controller';
import { WebhooksMetrics } from './webhooks.metrics';
import { WebhooksService } from './webhooks.service';

/**
 * Users' webhook endpoints (routes) and the webhook channel, which registers with the deliveries
 * module's DeliveryChannels. CredentialsCipher comes from the app's global CredentialsModule.
 */
@Module({
  imports: [DeliveriesModule],
  controllers: [WebhooksController],
  providers: [
    WebhookEndpointsRepository,
    WebhooksService,
    WebhooksMetrics,
    WebhookChannel,
    {
      provide: WebhookHttpSender,
      inject: [NotificationServiceConfig],
      useFactory: (config: NotificationServiceConfig) =>
        new WebhookHttpSender({
          timeoutMs: config.webhookTimeoutMs,
          // The SSRF guard on every resolved address, unless private networks are allowed.
          refuseAddress: config.webhookAllowPrivateNetworks ? () => null : refusedAddressReason,
        }),
    },
  ],
})
export class WebhooksModule {}

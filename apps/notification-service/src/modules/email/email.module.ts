import { Module } from '@nestjs/common';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { HttpClientRegistry, MetricsService } from '@cloudphone/shared';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { EmailTransportModule } from '../../integrations/email';
import { DeliveriesModule } from '../deliveries';
import { EmailRecipients } from './email-recipients.service';
import { EmailChannel } from './email.channel';
import { EmailMetrics } from './email.metrics';
import { UserAddressClient } from './user-address.client';

/**
 * The email channel (registered with the deliveries module on init), its transport (EMAIL_TRANSPORT)
 * and the user-service client that finds addresses events do not carry (USER_SERVICE_URL).
 */
@Module({
  imports: [DeliveriesModule, EmailTransportModule],
  providers: [
    EmailChannel,
    EmailRecipients,
    EmailMetrics,
    {
      provide: UserAddressClient,
      inject: [HttpClientRegistry, MetricsService, NotificationServiceConfig],
      useFactory: (
        registry: HttpClientRegistry,
        metrics: MetricsService,
        config: NotificationServiceConfig,
      ) =>
        new UserAddressClient(
          registry.client({ name: SERVICE_CATALOG.user.name, baseUrl: config.userServiceUrl }),
          metrics,
        ),
    },
  ],
})
export class EmailModule {}

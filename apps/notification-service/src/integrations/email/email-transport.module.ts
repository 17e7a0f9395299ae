import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { EMAIL_TRANSPORT, type EmailTransport } from './email-transport';
import { createEmailTransport, type EmailTransportSettings } from './email-transport.factory';

/** The settings of EMAIL_TRANSPORT's driver; smtp without SMTP_URL stops the start, naming it. */
export function emailTransportSettings(config: NotificationServiceConfig): EmailTransportSettings {
  if (config.emailTransport === 'simulated')
    return { kind: 'simulated', directory: config.emailSimulatedDir };
  return { kind: 'smtp', url: config.requiredSmtpUrl(), timeoutMs: config.smtpTimeoutMs };
}

/** Provides the configured EmailTransport under EMAIL_TRANSPORT and closes its connections at shutdown. */
@Module({
  providers: [
    {
      provide: EMAIL_TRANSPORT,
      inject: [NotificationServiceConfig],
      useFactory: (config: NotificationServiceConfig) => createEmailTransport(emailTransportSettings(config)),
    },
  ],
  exports: [EMAIL_TRANSPORT],
})
export class EmailTransportModule implements OnApplicationShutdown {
  constructor(@Inject(EMAIL_TRANSPORT) private readonly transport: EmailTransport) {}

  onApplicationShutdown(): Promise<void> {
    return this.transport.close();
  }
}

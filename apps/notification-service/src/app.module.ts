import { type DynamicModule, Module } from '@nestjs/common';
import { CredentialsModule, DatabasePoolMonitorJob, InfrastructureModule } from '@cloudphone/shared';
import type { NotificationServiceConfig } from './config/notification-service.config';
import { DeliveriesModule } from './modules/deliveries';
import { EmailModule } from './modules/email';
import { ErrorDigestModule } from './modules/error-digest';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { PreferencesModule } from './modules/preferences';
import { PushModule } from './modules/push';
import { WebhooksModule } from './modules/webhooks';

@Module({})
export class AppModule {
  static forRoot(config: NotificationServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot({ config }),
        CredentialsModule.forRoot(config.credentialsKey),
        PreferencesModule,
        DeliveriesModule,
        EmailModule,
        NotificationsModule,
        ErrorDigestModule,
        WebhooksModule,
        PushModule,
      ],
      providers: [DatabasePoolMonitorJob],
    };
  }
}

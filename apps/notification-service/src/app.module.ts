import { type DynamicModule, Module } from '@nestjs/common';
import { DatabasePoolMonitorJob, InfrastructureModule } from '@cloudphone/shared';
import type { NotificationServiceConfig } from './config/notification-service.config';
import { DeliveriesModule } from './modules/deliveries';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { PreferencesModule } from './modules/preferences';

@Module({})
export class AppModule {
  static forRoot(config: NotificationServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot({ config }), PreferencesModule, DeliveriesModule, NotificationsModule],
      providers: [DatabasePoolMonitorJob],
    };
  }
}

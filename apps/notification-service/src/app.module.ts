import { type DynamicModule, Module } from '@nestjs/common';
import { DatabasePoolMonitorJob, InfrastructureModule } from '@cloudphone/shared';
import type { NotificationServiceConfig } from './config/notification-service.config';
import { NotificationsModule } from './modules/notifications/notifications.module';

@Module({})
export class AppModule {
  static forRoot(config: NotificationServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot({ config }), NotificationsModule],
      providers: [DatabasePoolMonitorJob],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import {
  CredentialsModule,
  DatabasePoolMonitorJob,
  InfrastructureModule,
  PlatformClientsModule,
  ServiceChargesModule,
} from '@cloudphone/shared';
import type { SmsReceiveServiceConfig } from './config/sms-receive-service.config';
import { SmsModule } from './modules/sms/sms.module';

@Module({})
export class AppModule {
  static forRoot(config: SmsReceiveServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot({ config }),
        CredentialsModule.forRoot(config.credentialsKey),
        ServiceChargesModule.forRoot({ billingServiceUrl: config.billingServiceUrl }),
        PlatformClientsModule.forRoot({ deviceServiceUrl: config.deviceServiceUrl }),
        SmsModule,
      ],
      providers: [DatabasePoolMonitorJob],
    };
  }
}

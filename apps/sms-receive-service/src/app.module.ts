import { type DynamicModule, Module } from '@nestjs/common';
import { DatabasePoolMonitorJob, InfrastructureModule } from '@cloudphone/shared';
import type { SmsReceiveServiceConfig } from './config/sms-receive-service.config';
import { NumbersModule } from './modules/numbers/numbers.module';

@Module({})
export class AppModule {
  static forRoot(config: SmsReceiveServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot({ config }), NumbersModule],
      providers: [DatabasePoolMonitorJob],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { InfrastructureModule } from '@cloudphone/shared';
import type { DeviceServiceConfig } from './config/device-service.config';
import { DevicesModule } from './modules/devices/devices.module';

@Module({})
export class AppModule {
  static forRoot(config: DeviceServiceConfig): DynamicModule {
    return { module: AppModule, imports: [InfrastructureModule.forRoot({ config }), DevicesModule] };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { DatabasePoolMonitorJob, InfrastructureModule } from '@cloudphone/shared';
import type { DeviceServiceConfig } from './config/device-service.config';
import { PlatformServicesModule } from './integrations/platform-services/platform-services.module';
import { AllocationsModule, type AllocationsModuleOptions } from './modules/allocations/allocations.module';
import { DevicesModule } from './modules/devices/devices.module';

@Module({})
export class AppModule {
  /** `scheduler` lets tests replace the allocation clock; production passes nothing. */
  static forRoot(config: DeviceServiceConfig, scheduler: AllocationsModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot({ config }),
        PlatformServicesModule,
        DevicesModule,
        AllocationsModule.forRoot(scheduler),
      ],
      providers: [DatabasePoolMonitorJob],
    };
  }
}

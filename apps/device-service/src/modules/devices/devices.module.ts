import { Module } from '@nestjs/common';
import { DeviceProviderModule } from '../../integrations/device-provider/device-provider.module';
import { DeviceMetricsJob } from './jobs/device-metrics.job';
import { DeviceProvisioner } from './device-provisioner.service';
import { DevicesController } from './devices.controller';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';

@Module({
  imports: [DeviceProviderModule],
  controllers: [DevicesController],
  providers: [DevicesService, DevicesRepository, DeviceProvisioner, DeviceMetricsJob],
  exports: [DevicesService],
})
export class DevicesModule {}

import { Module } from '@nestjs/common';
import { DeviceProviderModule } from '../../integrations/device-provider/device-provider.module';
import { DeviceFreedSignal } from './device-freed.signal';
import { DevicePowerUseCase } from './device-power.use-case';
import { DeviceResetsRepository } from './hand-over/device-resets.repository';
import { DeviceHandOver } from './hand-over/device-hand-over.service';
import { ResetDevicesJob } from './hand-over/jobs/reset-devices.job';
import { DeviceMetricsJob } from './jobs/device-metrics.job';
import { DeviceProvisioner } from './device-provisioner.service';
import { DevicesController } from './devices.controller';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';

@Module({
  imports: [DeviceProviderModule],
  controllers: [DevicesController],
  providers: [
    DevicesService,
    DevicesRepository,
    DeviceProvisioner,
    DevicePowerUseCase,
    DeviceMetricsJob,
    DeviceFreedSignal,
    DeviceResetsRepository,
    DeviceHandOver,
    ResetDevicesJob,
  ],
  exports: [DevicesService, DeviceFreedSignal, DeviceHandOver, DeviceProvisioner],
})
export class DevicesModule {}

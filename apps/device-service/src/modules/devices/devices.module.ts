import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeviceMetricsJob } from './jobs/device-metrics.job';
import { DeviceEntity } from './device.entity';
import { DevicesController } from './devices.controller';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';

@Module({
  imports: [TypeOrmModule.forFeature([DeviceEntity])],
  controllers: [DevicesController],
  providers: [DevicesService, DevicesRepository, DeviceMetricsJob],
  exports: [DevicesService],
})
export class DevicesModule {}

import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices';
import { AccessController } from './access.controller';
import { AccessRepository } from './access.repository';
import { AdbGateway } from './adb-gateway.service';
import { DeviceAccess } from './device-access.service';

/**
 * Access to rented devices: the ADB gateway (per-device ports that forward while an allocation is
 * active), the screen stream behind an allocation-scoped token, and the `access` block of answers.
 */
@Module({
  imports: [DevicesModule],
  controllers: [AccessController],
  providers: [AccessRepository, AdbGateway, DeviceAccess],
  exports: [DeviceAccess, AdbGateway],
})
export class AccessModule {}

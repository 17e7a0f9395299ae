// What other device-service modules may use of devices (the scheduler lists free devices here).
export { AVAILABLE_DEVICES_CACHE_TAG } from './device-pool.cache';
export { DevicesModule } from './devices.module';
export { DevicesService } from './devices.service';
export { IN_SERVICE_SQL } from './device-state-machine';
export { DeviceFreedSignal } from './device-freed.signal';
export { DeviceHandOver } from './hand-over/device-hand-over.service';
export { DeviceIdParams } from './dto/device-id.params';
export { DeviceProvisioner } from './device-provisioner.service';
export { DeviceDrivers } from './providers/device-drivers.service';

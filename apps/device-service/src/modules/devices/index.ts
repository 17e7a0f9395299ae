// What other device-service modules may use of devices (the scheduler lists free devices here).
export { AVAILABLE_DEVICES_CACHE_TAG } from './device-pool.cache';
export { DevicesModule } from './devices.module';
export { DevicesService } from './devices.service';

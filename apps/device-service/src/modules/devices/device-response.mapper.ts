import type { DeviceResponse } from '@cloudphone/contracts';
import type { DeviceEntity } from './device.entity';

/** The public shape of a device, with ISO-8601 times. */
export function toDeviceResponse(device: DeviceEntity): DeviceResponse {
  return {
    id: device.id,
    provider: device.provider,
    providerDeviceId: device.providerDeviceId,
    region: device.region,
    androidVersion: device.androidVersion,
    cpuCores: device.cpuCores,
    memoryMb: device.memoryMb,
    storageGb: device.storageGb,
    status: device.status,
    health: device.health,
    createdAt: device.createdAt.toISOString(),
    updatedAt: device.updatedAt.toISOString(),
  };
}

import { type DeviceResponse, deviceSpecOf } from '@cloudphone/contracts';
import type { DeviceRecord } from './device-record';

/** The public shape of a device, with ISO-8601 times. */
export function toDeviceResponse(device: DeviceRecord): DeviceResponse {
  return {
    id: device.id,
    provider: device.provider,
    providerDeviceId: device.providerDeviceId,
    nodeId: device.nodeId,
    region: device.region,
    androidVersion: device.androidVersion,
    ...deviceSpecOf(device),
    status: device.status,
    health: device.health,
    powerState: device.powerState,
    statusReason: device.statusReason,
    createdAt: device.createdAt.toISOString(),
    updatedAt: device.updatedAt.toISOString(),
  };
}

import type { DeviceHealth, DeviceSpec, DeviceStatus } from '@cloudphone/contracts';

/** A cloud Android device in the pool. Whether it is rented is told by its allocations, not here. */
export interface DeviceRecord extends DeviceSpec {
  id: string;
  provider: string;
  providerDeviceId: string;
  region: string;
  androidVersion: string;
  status: DeviceStatus;
  health: DeviceHealth;
  createdAt: Date;
  updatedAt: Date;
}

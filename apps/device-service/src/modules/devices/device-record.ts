import type { DeviceHealth, DeviceStatus } from '@cloudphone/contracts';

/** A cloud Android device in the pool. Whether it is rented is told by its allocations, not here. */
export interface DeviceRecord {
  id: string;
  provider: string;
  providerDeviceId: string;
  region: string;
  androidVersion: string;
  cpuCores: number;
  memoryMb: number;
  storageGb: number;
  status: DeviceStatus;
  health: DeviceHealth;
  createdAt: Date;
  updatedAt: Date;
}

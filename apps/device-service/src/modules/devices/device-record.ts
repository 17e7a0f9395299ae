import type { DeviceHealth, DevicePowerState, DeviceSpec, DeviceStatus } from '@cloudphone/contracts';

/** A cloud Android device in the pool (status: device-state-machine.ts; its renter: its allocations). */
export interface DeviceRecord extends DeviceSpec {
  id: string;
  provider: string;
  providerDeviceId: string;
  /** The node it runs on (null: a provider without nodes). */
  nodeId: string | null;
  region: string;
  androidVersion: string;
  status: DeviceStatus;
  health: DeviceHealth;
  powerState: DevicePowerState;
  statusReason: string | null;
  /** Its ADB port at the access gateway is ACCESS_GATEWAY_PORT_BASE plus this. */
  accessSlot: number;
  /** The allocation holding it (pending or active), if any. */
  heldBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

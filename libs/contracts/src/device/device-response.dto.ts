import { ApiProperty } from '@nestjs/swagger';
import {
  DEVICE_HEALTH_STATES,
  DEVICE_POWER_STATES,
  DEVICE_STATUSES,
  type DeviceHealth,
  type DevicePowerState,
  type DeviceStatus,
} from './device-attributes';
import { type DeviceSpec, DeviceSpecApiProperty } from './device-spec';

/** A device of the pool as the API returns it. */
export class DeviceResponse implements DeviceSpec {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'simulated' })
  provider!: string;

  @ApiProperty({ example: 'sim-00a1f3' })
  providerDeviceId!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The node it runs on' })
  nodeId!: string | null;

  @ApiProperty({ example: 'eu-west-1' })
  region!: string;

  @ApiProperty({ example: '13' })
  androidVersion!: string;

  @DeviceSpecApiProperty('cpuCores')
  cpuCores!: number;

  @DeviceSpecApiProperty('memoryMb')
  memoryMb!: number;

  @DeviceSpecApiProperty('storageGb')
  storageGb!: number;

  @ApiProperty({ enum: DEVICE_STATUSES })
  status!: DeviceStatus;

  @ApiProperty({ enum: DEVICE_HEALTH_STATES })
  health!: DeviceHealth;

  @ApiProperty({ enum: DEVICE_POWER_STATES, description: 'As last set through the platform' })
  powerState!: DevicePowerState;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why it is failed or under maintenance, e.g. a failed wipe',
  })
  statusReason!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

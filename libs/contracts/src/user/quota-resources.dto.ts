import { ApiProperty } from '@nestjs/swagger';
import type { DeviceSpec } from '../device/device-spec';

/** The four resources a quota limits, in the order user-service checks them. */
export const QUOTA_RESOURCE_NAMES = ['devices', 'cpuCores', 'memoryMb', 'storageGb'] as const;
export type QuotaResourceName = (typeof QUOTA_RESOURCE_NAMES)[number];

/** Upper bounds for request fields, so absurd numbers are a 400 rather than an overflow. */
export const QUOTA_FIELD_MAX = {
  devices: 10_000,
  cpuCores: 100_000,
  memoryMb: 1_000_000_000,
  storageGb: 100_000_000,
} as const satisfies Record<QuotaResourceName, number>;

/**
 * An amount of each quota resource: a user's limits, or what their live allocations use. Devices
 * and the sum of their specs, so the spec fields are DeviceSpec's but hold totals (bounded by
 * QUOTA_FIELD_MAX, not DEVICE_SPEC_BOUNDS).
 */
export class QuotaResources implements DeviceSpec {
  @ApiProperty({ example: 3, minimum: 0 })
  devices!: number;

  @ApiProperty({ example: 12, minimum: 0 })
  cpuCores!: number;

  @ApiProperty({ example: 24576, minimum: 0 })
  memoryMb!: number;

  @ApiProperty({ example: 192, minimum: 0 })
  storageGb!: number;
}

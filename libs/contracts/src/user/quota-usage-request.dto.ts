import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { DeviceSpecFields } from '../device/device-spec';

/**
 * Body of `POST /quotas/usage`: one allocation (one device) now counts against the user's quota.
 * Idempotent per allocationId: a repeated report changes nothing and answers `applied: false`.
 * Refused with 403 QUOTA_EXCEEDED when it would pass a limit (check and increment are one step).
 * The spec is the allocated device's, so within DEVICE_SPEC_BOUNDS.
 */
export class QuotaUsageRequest extends DeviceSpecFields {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  allocationId!: string;
}

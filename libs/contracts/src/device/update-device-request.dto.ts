import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { DEVICE_HEALTH_STATES, type DeviceHealth } from './device-attributes';

/**
 * Statuses an admin may set by hand; `retired` goes through `DELETE /devices/:id`. `available` on a
 * device under maintenance or failed returns it to the pool through a wipe (`resetting`).
 */
export const ADMIN_SETTABLE_DEVICE_STATUSES = ['available', 'maintenance', 'failed'] as const;
export type AdminSettableDeviceStatus = (typeof ADMIN_SETTABLE_DEVICE_STATUSES)[number];

/** Body of admin `PATCH /devices/:id`: at least one field. */
export class UpdateDeviceRequest {
  @ApiPropertyOptional({ enum: ADMIN_SETTABLE_DEVICE_STATUSES })
  @OptionalField()
  @IsIn(ADMIN_SETTABLE_DEVICE_STATUSES)
  status?: AdminSettableDeviceStatus;

  @ApiPropertyOptional({ enum: DEVICE_HEALTH_STATES })
  @OptionalField()
  @IsIn(DEVICE_HEALTH_STATES)
  health?: DeviceHealth;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsString, IsUUID, MaxLength } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { ActingForUserFields } from './acting-for-user.fields';
import { DeviceRequirements, RequirementsField } from './device-requirements.dto';
import { RESERVATION_TEXT_MAX_LENGTH } from './reservation-attributes';

/**
 * Body of `POST /scheduler/reservations`: one named `deviceId`, or `requirements` (a spec; a device
 * that meets it is picked at booking), for the slot [startAt, endAt). The user is the caller; only an
 * admin or a service may name another `userId` (and `tenantId`).
 */
export class CreateReservationRequest extends ActingForUserFields {
  @ApiPropertyOptional({ format: 'uuid', description: 'Book this device (or give requirements)' })
  @OptionalField()
  @IsUUID()
  deviceId?: string;

  @RequirementsField('Book any device that meets these')
  requirements?: DeviceRequirements;

  @ApiProperty({ format: 'date-time', example: '2026-12-05T09:00:00.000Z' })
  @IsISO8601({ strict: true, strictSeparator: true })
  startAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-05T11:00:00.000Z' })
  @IsISO8601({ strict: true, strictSeparator: true })
  endAt!: string;

  @ApiPropertyOptional({ example: 'nightly regression run', maxLength: RESERVATION_TEXT_MAX_LENGTH })
  @OptionalField()
  @IsString()
  @MaxLength(RESERVATION_TEXT_MAX_LENGTH)
  note?: string;
}

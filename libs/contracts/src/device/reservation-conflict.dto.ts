import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsUUID } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { DeviceRequirements, RequirementsField } from './device-requirements.dto';

/** Body of `POST /scheduler/reservations/check-conflict`: would this booking fit? Nothing is held. */
export class CheckReservationConflictRequest {
  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalField()
  @IsUUID()
  deviceId?: string;

  @RequirementsField()
  requirements?: DeviceRequirements;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true, strictSeparator: true })
  startAt!: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true, strictSeparator: true })
  endAt!: string;
}

/** A live claim that overlaps the asked slot (whose it is stays private). */
export class ReservationConflict {
  @ApiProperty({ format: 'uuid' })
  deviceId!: string;

  @ApiProperty({ enum: ['reservation', 'allocation'] })
  kind!: 'reservation' | 'allocation';

  @ApiProperty({ format: 'date-time' })
  startsAt!: string;

  @ApiProperty({ format: 'date-time' })
  endsAt!: string;
}

/** Answer of `POST /scheduler/reservations/check-conflict`. */
export class CheckReservationConflictResponse {
  @ApiProperty({ description: 'True when a booking of this slot would get a device now' })
  available!: boolean;

  @ApiProperty({ example: 3, description: 'Devices that meet the request and are free for the whole slot' })
  freeDevices!: number;

  @ApiProperty({ type: [ReservationConflict], description: 'For a named device: what is in the way' })
  conflicts!: ReservationConflict[];

  @ApiPropertyOptional({ example: 'SLOT_TOO_FAR_AHEAD', description: 'Why the slot itself is not bookable' })
  invalidReason?: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { DeviceRequirements } from './device-requirements.dto';
import { RESERVATION_STATUSES, type ReservationStatus } from './reservation-attributes';

/** A reservation as every reservation endpoint returns it. Times are ISO-8601. */
export class ReservationResponse {
  @ApiProperty({ format: 'uuid', description: 'Also the id of the allocation it becomes at its start' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: 'default' })
  tenantId!: string;

  @ApiProperty({ enum: RESERVATION_STATUSES })
  status!: ReservationStatus;

  @ApiProperty({ format: 'uuid', description: 'The device holding the slot (a spec booking may move)' })
  deviceId!: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Set for a booking of one device',
  })
  requestedDeviceId!: string | null;

  @ApiProperty({ type: DeviceRequirements })
  requirements!: DeviceRequirements;

  @ApiProperty({ format: 'date-time' })
  startAt!: string;

  @ApiProperty({ format: 'date-time' })
  endAt!: string;

  @ApiProperty({ example: 120 })
  durationMinutes!: number;

  @ApiProperty({ nullable: true, type: String })
  note!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why it was refused or missed' })
  failureCode!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  activatedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  cancelledAt!: string | null;

  @ApiProperty({ nullable: true, type: String })
  cancelReason!: string | null;

  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Seconds of the slot billed for a late cancellation',
  })
  cancellationFeeSeconds!: number | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** Answer of `GET /scheduler/reservations/stats/summary` (the caller's own, or everyone's for admins). */
export class ReservationStatsResponse {
  @ApiProperty({ example: { confirmed: 4, active: 1, cancelled: 2 }, description: 'Reservations per status' })
  byStatus!: Record<string, number>;

  @ApiProperty({ example: 2, description: 'Confirmed reservations starting in the next 24 hours' })
  startingWithin24h!: number;

  @ApiProperty({ example: 480, description: 'Minutes booked in confirmed reservations' })
  bookedMinutes!: number;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  nextStartAt!: string | null;
}

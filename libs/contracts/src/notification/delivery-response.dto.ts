import { ApiProperty } from '@nestjs/swagger';
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  NOTIFICATION_CHANNELS,
  type NotificationChannelName,
} from './notification-channels';

/** A delivery record: one fact sent by one channel to one target (never its content). */
export class DeliveryResponse {
  @ApiProperty({
    format: 'uuid',
    description: 'The delivery id receivers see; the same on every retry and replay',
  })
  id!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for operator email' })
  userId!: string | null;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS })
  channel!: NotificationChannelName;

  @ApiProperty({ example: 'billing.invoice_issued' })
  eventType!: string;

  @ApiProperty({ description: "The webhook endpoint's id; empty for email and push" })
  target!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES })
  status!: DeliveryStatus;

  @ApiProperty({ description: 'Rounds after the first (retry-failed-deliveries and replays)' })
  round!: number;

  @ApiProperty({ description: 'Attempts of this round' })
  attempts!: number;

  @ApiProperty({ description: 'Attempts of all rounds' })
  totalAttempts!: number;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextRetryAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { USER_TIERS, type UserTier } from '../user/user-attributes';
import { ActingForUserFields } from './acting-for-user.fields';
import { ALLOCATION_LIMITS } from './allocation-attributes';
import { DeviceRequirements, RequirementsField } from './device-requirements.dto';

/** Where a queue entry stands. */
export const QUEUE_ENTRY_STATUSES = [
  'waiting',
  'serving',
  'fulfilled',
  'refused',
  'expired',
  'cancelled',
] as const;
export type QueueEntryStatus = (typeof QUEUE_ENTRY_STATUSES)[number];

/** Longest an entry may wait (a day). */
export const QUEUE_MAX_WAIT_MINUTES = 1440;

/**
 * Body of `POST /scheduler/queue/join`: wait for a device meeting `requirements`, to rent it for
 * `durationMinutes` once one is free. The user is the caller; only an admin or a service may name
 * another `userId` (and `tenantId`).
 */
export class JoinQueueRequest extends ActingForUserFields {
  @ApiProperty({ example: 30, minimum: 1, maximum: ALLOCATION_LIMITS.maxDurationMinutes })
  @IsInt()
  @Min(1)
  @Max(ALLOCATION_LIMITS.maxDurationMinutes)
  durationMinutes!: number;

  @RequirementsField()
  requirements?: DeviceRequirements;

  @ApiPropertyOptional({ example: 30, minimum: 1, maximum: QUEUE_MAX_WAIT_MINUTES })
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(QUEUE_MAX_WAIT_MINUTES)
  maxWaitMinutes?: number;
}

/** A queue entry as every queue endpoint returns it. */
export class QueueEntryResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: 'default' })
  tenantId!: string;

  @ApiProperty({ enum: QUEUE_ENTRY_STATUSES })
  status!: QueueEntryStatus;

  @ApiProperty({ enum: USER_TIERS })
  tier!: UserTier;

  @ApiProperty({ example: 25, description: "The tier's base priority plus aging for the time waited" })
  priority!: number;

  @ApiProperty({ example: 30 })
  durationMinutes!: number;

  @ApiProperty({ type: DeviceRequirements })
  requirements!: DeviceRequirements;

  @ApiProperty({ format: 'date-time' })
  enqueuedAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When it stops waiting (expired)' })
  expiresAt!: string;

  @ApiProperty({ nullable: true, type: Number, description: '1 = next; null once it stopped waiting' })
  position!: number | null;

  @ApiProperty({ nullable: true, type: Number })
  estimatedWaitMinutes!: number | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The allocation it became' })
  allocationId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'QUOTA_EXCEEDED', description: 'Why it was refused' })
  outcomeCode!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  endedAt!: string | null;
}

/** Answer of `GET /scheduler/queue/:id/position`. */
export class QueuePositionResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: QUEUE_ENTRY_STATUSES })
  status!: QueueEntryStatus;

  @ApiProperty({ nullable: true, type: Number, description: '1 = next; null once it stopped waiting' })
  position!: number | null;

  @ApiProperty({ example: 3, description: 'Entries served before it as things stand' })
  ahead!: number;

  @ApiProperty({ example: 25 })
  priority!: number;

  @ApiProperty({ nullable: true, type: Number })
  estimatedWaitMinutes!: number | null;
}

/** Answer of `GET /scheduler/queue/stats`. */
export class QueueStatsResponse {
  @ApiProperty({ example: 12 })
  waiting!: number;

  @ApiProperty({ example: { free: 4, pro: 8 }, description: 'Waiting entries per tier' })
  byTier!: Record<string, number>;

  @ApiProperty({ example: 14, description: 'How long the longest-waiting entry has waited' })
  oldestWaitMinutes!: number;

  @ApiProperty({
    example: { fulfilled: 40, expired: 2, refused: 1 },
    description: 'Entries ended in the last hour',
  })
  endedLastHour!: Record<string, number>;

  @ApiProperty({
    example: 3.5,
    nullable: true,
    type: Number,
    description: 'Mean wait of those fulfilled in the last hour',
  })
  averageWaitMinutesLastHour!: number | null;
}

import { ApiProperty } from '@nestjs/swagger';

/** One in-app notification, as `GET /notifications` and `POST /notifications/:id/read` return it. */
export class NotificationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: 'device.allocated', description: 'The domain event type it reports' })
  type!: string;

  @ApiProperty({ example: 'Device allocated' })
  title!: string;

  @ApiProperty({ example: 'Your 4-core device in eu-west is ready until 2026-01-01 12:05 UTC.' })
  body!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "The event's data" })
  data!: Record<string, unknown>;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null while unread' })
  readAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Id of the event that created it',
  })
  sourceEventId!: string | null;
}

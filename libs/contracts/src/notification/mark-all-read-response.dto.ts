import { ApiProperty } from '@nestjs/swagger';

/** Answer of `POST /notifications/read-all`. */
export class MarkAllReadResponse {
  @ApiProperty({ example: 3, description: 'How many unread notifications this call marked read' })
  marked!: number;
}

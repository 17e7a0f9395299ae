import { ApiProperty } from '@nestjs/swagger';

/** Answer of `GET /notifications/unread-count`. */
export class UnreadCountResponse {
  @ApiProperty({ example: 3 })
  unread!: number;
}

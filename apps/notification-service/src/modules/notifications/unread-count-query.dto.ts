import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

/** Query of `GET /notifications/unread-count`. */
export class UnreadCountQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Whose inbox (admins and services only)' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

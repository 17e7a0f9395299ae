import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** `:id` of a route whose ids are uuids: a static path segment is never read as one. */
export class IdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

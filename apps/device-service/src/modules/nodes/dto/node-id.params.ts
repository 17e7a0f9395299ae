import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** The `:id` of a node or strategy route; anything but a uuid is a 400 VALIDATION_FAILED. */
export class NodeIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

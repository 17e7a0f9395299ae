import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** The `:id` of `GET /scheduler/allocations/:id`; anything but a uuid is a 400 VALIDATION_FAILED. */
export class AllocationIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

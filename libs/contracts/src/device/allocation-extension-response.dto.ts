import { ApiProperty } from '@nestjs/swagger';
import { AllocationResponse } from './allocation-response.dto';

/** One extension of an allocation, as recorded. */
export class AllocationExtension {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  allocationId!: string;

  @ApiProperty({ example: 30 })
  additionalMinutes!: number;

  @ApiProperty({ nullable: true, type: String })
  reason!: string | null;

  @ApiProperty({ format: 'date-time' })
  previousExpiresAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({
    example: 1,
    description: 'This allocation has been extended this many times, this one included',
  })
  sequence!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** Answer of `PUT /scheduler/allocations/:id/extend`: the extension and the allocation after it. */
export class AllocationExtensionResponse {
  @ApiProperty({ type: AllocationExtension })
  extension!: AllocationExtension;

  @ApiProperty({ type: AllocationResponse })
  allocation!: AllocationResponse;
}

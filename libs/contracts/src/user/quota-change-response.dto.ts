import { ApiProperty } from '@nestjs/swagger';
import { QuotaResources } from './quota-resources.dto';

/** Answer of `POST /quotas/usage` and `POST /quotas/restore`. */
export class QuotaChangeResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ format: 'uuid' })
  allocationId!: string;

  @ApiProperty({ description: 'False when this allocation had already been counted (or restored): a replay' })
  applied!: boolean;

  @ApiProperty({ type: QuotaResources, description: 'Usage after the call' })
  usage!: QuotaResources;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/**
 * Body of `POST /quotas/restore`: give back what an allocation's usage report took. Idempotent:
 * restoring twice, or restoring an allocation never reported, changes nothing (`applied: false`).
 */
export class QuotaRestoreRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  allocationId!: string;
}

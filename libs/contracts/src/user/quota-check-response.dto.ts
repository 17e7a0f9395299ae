import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QUOTA_RESOURCE_NAMES, type QuotaResourceName, QuotaResources } from './quota-resources.dto';

/** Answer of `POST /quotas/check`. */
export class QuotaCheckResponse {
  @ApiProperty({ description: 'True when usage plus the request stays within every limit' })
  allowed!: boolean;

  @ApiPropertyOptional({
    enum: QUOTA_RESOURCE_NAMES,
    description: 'The first limit the request would exceed (only when allowed is false)',
  })
  exceeded?: QuotaResourceName;

  @ApiProperty({ type: QuotaResources })
  limits!: QuotaResources;

  @ApiProperty({ type: QuotaResources, description: 'Usage before this request' })
  usage!: QuotaResources;
}

import { ApiProperty } from '@nestjs/swagger';
import { QuotaResources } from './quota-resources.dto';

/** Answer of `GET /quotas/:userId`. */
export class UserQuotaResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ type: QuotaResources })
  limits!: QuotaResources;

  @ApiProperty({ type: QuotaResources })
  usage!: QuotaResources;
}

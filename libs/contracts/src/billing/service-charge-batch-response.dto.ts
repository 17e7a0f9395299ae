import { ApiProperty } from '@nestjs/swagger';
import { ServiceChargeBatchItemResult } from './service-charge-batch-item-result.dto';

/** Answer of `POST /billing/charges/batch`: one result per item, in request order. */
export class ServiceChargeBatchResponse {
  @ApiProperty({ type: [ServiceChargeBatchItemResult] })
  results!: ServiceChargeBatchItemResult[];
}

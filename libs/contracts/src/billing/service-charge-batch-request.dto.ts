import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { SERVICE_CHARGE_BATCH_MAX_ITEMS, ServiceChargeRequest } from './service-charge-request.dto';

/**
 * Body of `POST /billing/charges/batch`: each item is charged exactly once, independently. A
 * malformed item refuses the whole batch (400, nothing charged), so a sender can resend its items
 * one by one to find it; well-formed items each get their own result.
 */
export class ServiceChargeBatchRequest {
  @ApiProperty({ type: [ServiceChargeRequest], minItems: 1, maxItems: SERVICE_CHARGE_BATCH_MAX_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SERVICE_CHARGE_BATCH_MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ServiceChargeRequest)
  items!: ServiceChargeRequest[];
}

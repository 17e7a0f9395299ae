import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ServiceChargeResponse } from './service-charge-response.dto';

/**
 * The outcome of one item of a charge batch: `ok` with its charge (new or a duplicate), or not ok
 * with the stable error code the single endpoint would have answered. CHARGE_CONFLICT,
 * CURRENCY_MISMATCH, VALIDATION_FAILED and BALANCE_OUT_OF_RANGE are final; other codes (e.g.
 * INTERNAL_ERROR) may be sent again later.
 */
export class ServiceChargeBatchItemResult {
  @ApiProperty({ example: 'sms-code:5b1d0c7e-2a4f-4e8b-9c3d-7f6a1e2b3c4d' })
  reference!: string;

  @ApiProperty({ description: 'True when the item is charged (now or by an earlier request)' })
  ok!: boolean;

  @ApiPropertyOptional({ type: ServiceChargeResponse, description: 'Present when ok' })
  charge?: ServiceChargeResponse;

  @ApiPropertyOptional({ example: 'CHARGE_CONFLICT', description: 'Stable error code when not ok' })
  code?: string;

  @ApiPropertyOptional({ description: 'Why the item was refused, when not ok' })
  message?: string;
}

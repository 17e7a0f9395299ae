import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BILLING_ROUTES,
  ServiceChargeBatchRequest,
  ServiceChargeBatchResponse,
  ServiceChargeRequest,
  ServiceChargeResponse,
} from '@cloudphone/contracts';
import { ApiCommonErrors, ApiErrorResponses, ServiceTokenOnly } from '@cloudphone/shared';
import { ChargesService } from './charges.service';

@ApiCommonErrors()
@ApiTags('charges')
@ApiBearerAuth()
@Controller()
export class ChargesController {
  constructor(private readonly charges: ChargesService) {}

  @Post(BILLING_ROUTES.charges)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({
    summary: 'Charge a user’s account for another service, exactly once per reference (service)',
  })
  @ApiOkResponse({ type: ServiceChargeResponse })
  @ApiErrorResponses({ 409: ['CHARGE_CONFLICT', 'CURRENCY_MISMATCH'], 422: ['BALANCE_OUT_OF_RANGE'] })
  charge(@Body() request: ServiceChargeRequest): Promise<ServiceChargeResponse> {
    return this.charges.charge(request);
  }

  @Post(BILLING_ROUTES.chargesBatch)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({ summary: 'Charge up to 100 service charges, with a result per item (service)' })
  @ApiOkResponse({ type: ServiceChargeBatchResponse })
  @ApiErrorResponses({ 409: ['CURRENCY_MISMATCH'], 422: ['BALANCE_OUT_OF_RANGE'] })
  chargeBatch(@Body() request: ServiceChargeBatchRequest): Promise<ServiceChargeBatchResponse> {
    return this.charges.chargeBatch(request);
  }
}

import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BILLING_ROUTES,
  UsageBatchRequest,
  UsageBatchResponse,
  UsageRecordRequest,
  UsageRecordResponse,
} from '@cloudphone/contracts';
import { ApiCommonErrors, ApiErrorResponses, ServiceTokenOnly } from '@cloudphone/shared';
import { UsageService } from './usage.service';

@ApiCommonErrors()
@ApiTags('usage')
@ApiBearerAuth()
@Controller()
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Post(BILLING_ROUTES.usage)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({
    summary: 'Record and charge one allocation’s usage, exactly once per allocationId (service)',
  })
  @ApiOkResponse({ type: UsageRecordResponse })
  @ApiErrorResponses({
    409: ['USAGE_CONFLICT'],
    422: ['BALANCE_OUT_OF_RANGE'],
    503: ['PRICING_NOT_CONFIGURED'],
  })
  record(@Body() request: UsageRecordRequest): Promise<UsageRecordResponse> {
    return this.usage.record(request);
  }

  @Post(BILLING_ROUTES.usageBatch)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({ summary: 'Record up to 100 allocations’ usage, with a result per item (service)' })
  @ApiOkResponse({ type: UsageBatchResponse })
  @ApiErrorResponses({ 422: ['BALANCE_OUT_OF_RANGE'], 503: ['PRICING_NOT_CONFIGURED'] })
  recordBatch(@Body() request: UsageBatchRequest): Promise<UsageBatchResponse> {
    return this.usage.recordBatch(request);
  }
}

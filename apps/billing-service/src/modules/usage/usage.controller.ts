import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BILLING_ROUTES,
  UsageBatchRequest,
  UsageBatchResponse,
  UsageRecordRequest,
  UsageRecordResponse,
} from '@cloudphone/contracts';
import { ServiceTokenOnly } from '@cloudphone/shared';
import { UsageService } from './usage.service';

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
  record(@Body() request: UsageRecordRequest): Promise<UsageRecordResponse> {
    return this.usage.record(request);
  }

  @Post(BILLING_ROUTES.usageBatch)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({ summary: 'Record up to 100 allocations’ usage, with a result per item (service)' })
  recordBatch(@Body() request: UsageBatchRequest): Promise<UsageBatchResponse> {
    return this.usage.recordBatch(request);
  }
}

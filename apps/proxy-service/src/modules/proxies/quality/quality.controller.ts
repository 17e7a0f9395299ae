import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  PROXY_ROUTES,
  ProxyProbeResponse,
  ProxyQualityDistributionResponse,
  IdParams,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiCommonErrors,
  ApiErrorResponses,
  RequireRoles,
} from '@cloudphone/shared';
import { QualityService } from './quality.service';

@ApiCommonErrors()
@ApiTags('proxy quality')
@ApiBearerAuth()
@RequireRoles(ADMIN_ROLE)
@Controller()
export class QualityController {
  constructor(private readonly quality: QualityService) {}

  @Post(PROXY_ROUTES.test)
  @HttpCode(200)
  @ApiOperation({ summary: 'Probe one proxy now and record it like a scheduled probe (admin)' })
  @ApiOkResponse({ type: ProxyProbeResponse })
  @ApiErrorResponses({ 404: ['PROXY_NOT_FOUND'] })
  test(@Param() params: IdParams): Promise<ProxyProbeResponse> {
    return this.quality.probeNow(params.id);
  }

  @Get(PROXY_ROUTES.qualityDistribution)
  @AllowServiceTokens()
  @ApiOkResponse({ type: ProxyQualityDistributionResponse })
  distribution(): Promise<ProxyQualityDistributionResponse> {
    return this.quality.distribution();
  }
}

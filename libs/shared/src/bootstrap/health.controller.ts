import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DependencyCheckResponse, LivenessResponse, ReadinessResponse } from '@cloudphone/contracts';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { ApiCommonErrors, ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { RequestContext } from '../logging/request-context';
import { SkipRateLimit } from '../rate-limit/rate-limit.decorators';
import { HealthService } from '../health/health.service';

@ApiCommonErrors()
@ApiTags('health')
@Public()
@SkipRateLimit()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is up and its event loop answers' })
  @ApiOkResponse({ type: LivenessResponse })
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'This process can serve: its Postgres answers, its event loop is not wedged, it is not draining; 503 names what is down. ' +
      'Redis and RabbitMQ down answer 200 with status "degraded" (503 under READINESS_STRICT).',
  })
  @ApiExtraModels(DependencyCheckResponse)
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiErrorResponses({ 503: ['NOT_READY'] })
  async ready(@Res() response: Response): Promise<void> {
    const report = await this.health.readiness();
    if (report.status !== 'down') {
      response.status(200).json(report);
      return;
    }
    response.status(503).json({
      code: 'NOT_READY',
      message: `Not ready: ${report.down.join(', ')} down`,
      details: report,
      requestId: RequestContext.requestId(),
    });
  }
}

import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { RequestContext } from '../logging/request-context';
import { SkipRateLimit } from '../rate-limit/rate-limit.decorators';
import { HealthService } from '../health/health.service';

@ApiTags('health')
@Public()
@SkipRateLimit()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is up and its event loop answers' })
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'This process can serve: its Postgres answers, its event loop is not wedged, it is not draining; 503 names what is down. ' +
      'Redis and RabbitMQ down answer 200 with status "degraded" (503 under READINESS_STRICT).',
  })
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

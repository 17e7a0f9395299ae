import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { SmsProvidersService } from '../sms-providers.service';

/** Calls each enabled provider's API (balance); SMS_HEALTH_FAILURE_THRESHOLD failures in a row make it unhealthy. */
@Injectable()
export class SmsProviderHealthJob {
  private readonly logger = new Logger(SmsProviderHealthJob.name);

  constructor(private readonly providers: SmsProvidersService) {}

  @ClusterSafeCron('* * * * *', { name: 'sms-provider-health', maxRunMs: 50_000, jitterMs: 3000 })
  async check({ signal }: CronRunContext): Promise<void> {
    const unhealthy = await this.providers.checkHealth(signal);
    if (unhealthy > 0) this.logger.warn({ msg: 'sms providers unhealthy', unhealthy });
  }
}

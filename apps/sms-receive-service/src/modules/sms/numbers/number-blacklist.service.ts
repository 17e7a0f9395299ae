import { Injectable, Logger } from '@nestjs/common';
import { MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { SmsReceiveServiceConfig } from '../../../config/sms-receive-service.config';
import { BlacklistRepository } from './blacklist.repository';

/**
 * Blocks what keeps failing, for a while: numbers that expired without a code
 * SMS_BLACKLIST_NUMBER_FAILURES times in SMS_BLACKLIST_DAYS (a rent that gets one back bans it to
 * its provider and takes another), and providers whose recent numbers get a code less often than
 * SMS_PROVIDER_MIN_SUCCESS_PERCENT (rents skip them). Blocks end by themselves.
 */
@Injectable()
export class NumberBlacklist {
  private readonly logger = new Logger(NumberBlacklist.name);
  private readonly blocked: Gauge<'kind'>;

  constructor(
    private readonly blacklist: BlacklistRepository,
    private readonly config: SmsReceiveServiceConfig,
    metrics: MetricsService,
  ) {
    this.blocked = metrics.gauge({
      name: 'cloudphone_sms_blacklisted',
      help: 'Numbers and providers blocked now, by kind (blacklist-maintenance)',
      labelNames: ['kind'],
    });
  }

  async maintain(): Promise<{ numbers: number; providers: number; lifted: number }> {
    const numbers = await this.blacklist.blockFailingNumbers(
      this.config.blacklistNumberFailures,
      this.config.blacklistDays,
    );
    const providers = await this.blacklist.blockFailingProviders(
      this.config.providerWindow,
      this.config.providerMinSuccessPercent / 100,
      this.config.providerBlockMinutes,
    );
    const lifted = await this.blacklist.liftExpired();
    for (const provider of providers) this.logger.warn({ msg: 'sms provider blocked', provider });
    this.blocked.reset();
    for (const { kind, count } of await this.blacklist.countActive()) this.blocked.set({ kind }, count);
    return { numbers: numbers.length, providers: providers.length, lifted };
  }
}

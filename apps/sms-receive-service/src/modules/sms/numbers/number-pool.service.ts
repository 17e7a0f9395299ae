import { Injectable, Logger } from '@nestjs/common';
import { MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { SmsReceiveServiceConfig } from '../../../config/sms-receive-service.config';
import { NumberEnding } from './number-ending.service';
import { NumberRenting } from './number-renting.service';
import { NumberStatsRepository } from './number-stats.repository';

/**
 * The warm pool: numbers rented ahead of demand for popular (service, country) pairs, so a user
 * gets one without waiting on a provider. Refill buys up to each target within the day's budget;
 * release gives back what is too close to its expiry to hand out (the provider refunds it).
 */
@Injectable()
export class NumberPool {
  private readonly logger = new Logger(NumberPool.name);
  private readonly pooledGauge: Gauge<'sms_service' | 'country'>;

  constructor(
    private readonly stats: NumberStatsRepository,
    private readonly renting: NumberRenting,
    private readonly ending: NumberEnding,
    private readonly config: SmsReceiveServiceConfig,
    metrics: MetricsService,
  ) {
    this.pooledGauge = metrics.gauge({
      name: 'cloudphone_sms_pool_numbers',
      help: 'Numbers in the warm pool per service and country, with time left to hand out (number-pool-refill)',
      labelNames: ['sms_service', 'country'],
    });
  }

  /** Rents what each SMS_POOL_TARGETS pair lacks while the day's pool spend is under budget. */
  async refill(signal: AbortSignal): Promise<number> {
    let bought = 0;
    // A pair no longer targeted disappears instead of keeping its last value.
    this.pooledGauge.reset();
    const pooled = await this.stats.pooled(this.config.poolMinRemainingSeconds);
    for (const target of this.config.poolTargets) {
      const key = `${target.service}:${target.countryCode}`;
      let have = pooled.get(key) ?? 0;
      while (have < target.size && !signal.aborted && (await this.budgetLeft())) {
        try {
          await this.renting.rent(target.service, target.countryCode, null);
        } catch (error) {
          this.logger.warn({ msg: 'pool refill could not rent', pair: key, err: (error as Error).message });
          break;
        }
        have++;
        bought++;
      }
      this.pooledGauge.set({ sms_service: target.service, country: target.countryCode }, have);
    }
    return bought;
  }

  /** Gives back pooled numbers with less than SMS_POOL_MIN_REMAINING_SECONDS left, or of pairs no longer targeted. */
  async release(): Promise<number> {
    const targeted = this.config.poolTargets.map((target) => `${target.service}:${target.countryCode}`);
    const released = await this.ending.releasePool(
      `expires_at <= now() + $1 * interval '1 second' OR NOT (service || ':' || country_code = ANY($2::text[]))`,
      [this.config.poolMinRemainingSeconds, targeted],
      500,
    );
    return released.length;
  }

  /** Whether today's pool purchases, in SMS_CURRENCY at the configured rates, are under the budget. */
  private async budgetLeft(): Promise<boolean> {
    const budget = this.config.poolDailyBudgetMinor;
    if (budget === 0) return false;
    const spent = (await this.stats.poolSpendToday()).reduce(
      (sum, { currency, costMinor }) =>
        sum + Number(costMinor) * (this.config.currencyRates.get(currency) ?? Infinity),
      0,
    );
    return spent < budget;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { MetricsService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { SmsReceiveServiceConfig } from '../../../config/sms-receive-service.config';
import { type SmsVendor, SmsVendorError } from '../../../integrations/sms-vendor';
import { SmsProviderVendors } from '../providers/provider-vendors.service';
import type { SmsProviderRecord } from '../providers/sms-provider-record';
import { SmsProvidersRepository } from '../providers/sms-providers.repository';
import { NumberStatsRepository } from './number-stats.repository';
import { NumberErrors } from './numbers.errors';
import { NumbersRepository } from './numbers.repository';
import { rankOffers } from './provider-choice';
import type { NumberHolder, SmsNumberRecord } from './sms-number-record';

/** Numbers a provider may hand us that we cannot use (blocked, held) before we try the next one. */
const ATTEMPTS_PER_PROVIDER = 2;

/**
 * Rents numbers at providers: for a user (`holder`) or the warm pool (no holder). Providers are
 * tried in rankOffers order (reliable, then cheap); a number that is blacklisted is banned back
 * to its provider and one held here already is cancelled, and the next is tried. Nothing is
 * stored until the provider answered, so a crash in between leaves an activation the provider
 * times out and refunds by itself.
 */
@Injectable()
export class NumberRenting {
  private readonly logger = new Logger(NumberRenting.name);
  private readonly rents: Counter<'outcome' | 'provider'>;

  constructor(
    private readonly numbers: NumbersRepository,
    private readonly providers: SmsProvidersRepository,
    private readonly stats: NumberStatsRepository,
    private readonly vendors: SmsProviderVendors,
    private readonly config: SmsReceiveServiceConfig,
    metrics: MetricsService,
  ) {
    this.rents = metrics.counter({
      name: 'cloudphone_sms_provider_rents_total',
      help: 'Numbers asked of providers, by provider and outcome (rented, none, refused, failed)',
      labelNames: ['outcome', 'provider'],
    });
  }

  async rent(service: string, countryCode: string, holder: NumberHolder | null): Promise<SmsNumberRecord> {
    const usable = await this.providers.usable();
    if (usable.length === 0) throw NumberErrors.noProvider(service, countryCode);
    const tried: string[] = [];
    for (const provider of await this.ranked(usable, service, countryCode)) {
      tried.push(provider.name);
      const vendor = this.vendors.of(provider);
      for (let attempt = 0; attempt < ATTEMPTS_PER_PROVIDER; attempt++) {
        const rented = await this.rentAt(provider, vendor, service, countryCode, holder);
        if (rented === 'next-provider') break;
        if (rented !== 'retry') return rented;
      }
    }
    throw NumberErrors.noneAvailable(service, countryCode, tried);
  }

  /** Usable providers in the order to try them: by their offer for the pair (price, numbers), reliability. */
  private async ranked(
    usable: SmsProviderRecord[],
    service: string,
    countryCode: string,
  ): Promise<SmsProviderRecord[]> {
    const rates = await this.stats.successRates(this.config.providerWindow);
    const offers = await Promise.all(
      usable.map(async (provider) => {
        const price = await this.vendors
          .of(provider)
          .price(service, countryCode)
          .catch(() => null);
        return price
          ? {
              provider: provider.name,
              costMinor: price.costMinor,
              currency: price.currency,
              available: price.available,
              successRate: rates.get(provider.name)?.rate ?? 1,
            }
          : null;
      }),
    );
    const order = rankOffers(
      offers.filter((offer) => offer !== null),
      this.config.currencyRates,
    ).map((offer) => offer.provider);
    return order.map((name) => usable.find((provider) => provider.name === name)!);
  }

  private async rentAt(
    provider: SmsProviderRecord,
    vendor: SmsVendor,
    service: string,
    countryCode: string,
    holder: NumberHolder | null,
  ): Promise<SmsNumberRecord | 'retry' | 'next-provider'> {
    let activation;
    try {
      activation = await vendor.rent(service, countryCode);
    } catch (error) {
      const code = error instanceof SmsVendorError ? error.code : 'UNEXPECTED';
      this.rents.inc({ outcome: code === 'NO_NUMBERS' ? 'none' : 'failed', provider: provider.name });
      if (code !== 'NO_NUMBERS')
        this.logger.warn({
          msg: 'sms provider failed to rent',
          provider: provider.name,
          code,
          err: (error as Error).message,
        });
      return 'next-provider';
    }
    if (await this.numbers.isBlocked(provider.name, activation.phoneNumber)) {
      this.rents.inc({ outcome: 'refused', provider: provider.name });
      await vendor.ban(activation.activationId).catch(() => undefined);
      return 'retry';
    }
    const stored = await this.numbers.insert(
      { ...activation, provider: provider.name, costCurrency: activation.currency },
      holder,
      this.config.currency,
    );
    if (!stored) {
      this.rents.inc({ outcome: 'refused', provider: provider.name });
      await vendor.cancel(activation.activationId).catch(() => undefined);
      return 'retry';
    }
    this.rents.inc({ outcome: 'rented', provider: provider.name });
    return stored;
  }
}

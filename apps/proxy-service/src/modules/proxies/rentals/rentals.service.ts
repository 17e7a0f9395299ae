import { Injectable, Logger } from '@nestjs/common';
import type {
  AcquireProxyRequest,
  ProxyBatchReleaseResponse,
  ProxyOffersResponse,
  ProxyRentalResponse,
  ProxyRentalUsageResponse,
} from '@cloudphone/contracts';
import {
  actingSubject,
  AppError,
  assertMayActFor,
  type ListQuery,
  listOwnerFor,
  MetricsService,
  type Page,
  type Principal,
  TransactionRunner,
  CredentialsCipher,
  DeviceAllocationsClient,
} from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { ProxyServiceConfig } from '../../../config/proxy-service.config';
import { ProxyAlerts } from '../costs/proxy-alerts.service';
import { RentalEnding } from './rental-ending.service';
import { RentalEventsPublisher } from './rental-events.publisher';
import { rentalChargeMinor } from './rental-price';
import type { RentalRecord } from './rental-record';
import { rentalResponse } from './rental-response.mapper';
import { RentalErrors } from './rentals.errors';
import { RentalsRepository } from './rentals.repository';

/** Renting proxies: acquire by requirements, renew, release, and what a rental costs. */
@Injectable()
export class RentalsService {
  private readonly logger = new Logger(RentalsService.name);
  private readonly acquisitions: Counter<'outcome' | 'country'>;

  constructor(
    private readonly rentals: RentalsRepository,
    private readonly ending: RentalEnding,
    private readonly events: RentalEventsPublisher,
    private readonly allocations: DeviceAllocationsClient,
    private readonly alerts: ProxyAlerts,
    private readonly transactions: TransactionRunner,
    private readonly cipher: CredentialsCipher,
    private readonly config: ProxyServiceConfig,
    metrics: MetricsService,
  ) {
    this.acquisitions = metrics.counter({
      name: 'cloudphone_proxy_acquisitions_total',
      help: 'Proxy acquire requests by outcome (acquired, none_available) and country',
      labelNames: ['outcome', 'country'],
    });
  }

  async acquire(request: AcquireProxyRequest, principal: Principal): Promise<ProxyRentalResponse> {
    const subject = actingSubject(principal, request, RentalErrors);
    if (request.allocationId !== undefined) await this.checkAllocation(request.allocationId, subject.userId);
    const rental = await this.transactions.run(async () => {
      const claimed = await this.rentals.acquire(
        {
          countryCode: request.countryCode,
          type: request.type ?? null,
          protocol: request.protocol ?? null,
          city: request.city ?? null,
        },
        {
          ...subject,
          allocationId: request.allocationId ?? null,
          stickyMinutes: request.stickyMinutes,
          markupPercent: this.config.priceMarkupPercent,
          currency: this.config.currency,
        },
      );
      if (claimed) await this.events.acquired(claimed);
      return claimed;
    });
    const outcome = rental ? 'acquired' : 'none_available';
    this.acquisitions.inc({ outcome, country: request.countryCode });
    if (!rental) {
      // Once per country and UTC day: renters asked for a country and found nothing free.
      await this.alerts.raise(
        'pool_exhausted',
        request.countryCode,
        `An acquire found no free proxy in ${request.countryCode}`,
      );
      throw RentalErrors.noneAvailable(request.countryCode);
    }
    this.logger.log({
      msg: 'proxy acquired',
      rentalId: rental.id,
      proxyId: rental.proxyId,
      userId: rental.userId,
    });
    return rentalResponse(rental, this.cipher, principal);
  }

  async get(id: string, principal: Principal): Promise<ProxyRentalResponse> {
    return rentalResponse(await this.owned(id, principal), this.cipher, principal);
  }

  async renew(id: string, stickyMinutes: number, principal: Principal): Promise<ProxyRentalResponse> {
    await this.owned(id, principal);
    const renewed = await this.rentals.renew(id, stickyMinutes);
    if (!renewed) throw RentalErrors.ended(id);
    return rentalResponse(renewed, this.cipher, principal);
  }

  /** Ends the rental; releasing an ended one answers it as it ended (a retried release is no error). */
  async release(id: string, principal: Principal): Promise<ProxyRentalResponse> {
    const rental = await this.owned(id, principal);
    const ended = await this.ending.endOne(id, 'released');
    return rentalResponse(ended ?? (await this.rentals.findById(id)) ?? rental, this.cipher, principal);
  }

  async releaseBatch(ids: string[], principal: Principal): Promise<ProxyBatchReleaseResponse> {
    const items = [];
    for (const id of ids) {
      try {
        items.push({ id, ok: true, rental: await this.release(id, principal) });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        items.push({ id, ok: false, code: error.code, message: error.message });
      }
    }
    return { items };
  }

  /** Seconds, traffic and money: as charged once reported, else what it costs so far. */
  async usage(id: string, principal: Principal): Promise<ProxyRentalUsageResponse> {
    const rental = await this.owned(id, principal);
    const end = rental.endedAt ?? new Date();
    const seconds = Math.max(0, Math.floor((end.getTime() - rental.startedAt.getTime()) / 1000));
    const amount =
      rental.chargedMinor ??
      rentalChargeMinor(
        { perHourMicros: rental.pricePerHourMicros, perGbMicros: rental.pricePerGbMicros },
        seconds,
        rental.bytesUsed,
      );
    return {
      rentalId: rental.id,
      seconds,
      bytesUsed: rental.bytesUsed?.toString() ?? null,
      amountMinor: amount.toString(),
      currency: rental.currency,
      charged: rental.usageReportedAt !== null,
    };
  }

  async history(query: ListQuery, principal: Principal): Promise<Page<ProxyRentalResponse>> {
    const asked = query.filters.find((filter) => filter.name === 'userId')?.value;
    const owner = listOwnerFor(
      principal,
      asked === undefined ? undefined : String(asked),
      RentalErrors.actingForOthers,
    );
    const page = await this.rentals.history(query, owner);
    return { ...page, items: page.items.map((rental) => rentalResponse(rental, this.cipher, principal)) };
  }

  async offers(free: boolean): Promise<ProxyOffersResponse> {
    return { items: await this.rentals.offers(free, this.config.priceMarkupPercent, this.config.currency) };
  }

  /** The rental, when the caller may act for its renter; someone else's is as unknown as a missing one. */
  private async owned(id: string, principal: Principal): Promise<RentalRecord> {
    const rental = await this.rentals.findById(id);
    if (!rental) throw RentalErrors.notFound(id);
    assertMayActFor(principal, rental.userId, () => RentalErrors.notFound(id));
    return rental;
  }

  /** A rental may be bound only to its renter's active allocation (device-service's word, now). */
  private async checkAllocation(allocationId: string, userId: string): Promise<void> {
    const status = await this.allocations.statusFor(allocationId, userId);
    if (status === null) throw RentalErrors.allocationNotFound(allocationId);
    if (status !== 'active') throw RentalErrors.allocationNotActive(allocationId, status);
  }
}

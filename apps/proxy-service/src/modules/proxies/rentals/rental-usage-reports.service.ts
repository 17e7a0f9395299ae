import { Injectable, Logger } from '@nestjs/common';
import type { ServiceChargeRequest } from '@cloudphone/contracts';
import {
  afterCommit,
  MetricsService,
  OutboxDeliveries,
  serviceChargeMessage,
  TransactionRunner,
} from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { ProviderVendors } from '../providers/provider-vendors.service';
import type { ProxyProviderRecord } from '../providers/proxy-provider-record';
import { ProvidersRepository } from '../providers/providers.repository';
import { rentalChargeMinor } from './rental-price';
import type { RentalRecord } from './rental-record';
import { type RentalCharge, RentalUsageRepository } from './rental-usage.repository';

/** Ended rentals reported per run. */
const BATCH = 200;

/**
 * Turns ended rentals into charges for billing-service, exactly once: the rental is marked reported
 * and its charge message stored in the same transaction (the message id derives from the rental,
 * billing charges each reference once), and the outbox delivers it however long billing is down.
 * Traffic comes from the vendor when it reports it per proxy; a vendor that fails leaves the rental
 * for the next run rather than charging it without its traffic.
 */
@Injectable()
export class RentalUsageReports {
  private readonly logger = new Logger(RentalUsageReports.name);
  private readonly reported: Counter<'currency'>;
  private readonly charged: Counter<'currency'>;

  constructor(
    private readonly usage: RentalUsageRepository,
    private readonly providers: ProvidersRepository,
    private readonly vendors: ProviderVendors,
    private readonly deliveries: OutboxDeliveries,
    private readonly transactions: TransactionRunner,
    metrics: MetricsService,
  ) {
    this.reported = metrics.counter({
      name: 'cloudphone_proxy_rentals_reported_total',
      help: 'Ended proxy rentals reported to billing',
      labelNames: ['currency'],
    });
    this.charged = metrics.counter({
      name: 'cloudphone_proxy_charged_minor_total',
      help: 'Minor units charged to renters for proxy rentals',
      labelNames: ['currency'],
    });
  }

  /** Reports up to one batch; answers how many rentals it reported. */
  async reportEnded(): Promise<number> {
    const ended = await this.usage.unreported(BATCH);
    if (ended.length === 0) return 0;
    const providers = new Map((await this.providers.list()).map((provider) => [provider.name, provider]));
    const charges = new Map<string, { rental: RentalRecord; charge: RentalCharge }>();
    for (const rental of ended) {
      const bytes = await this.trafficOf(rental, providers.get(rental.provider));
      if (bytes === undefined) continue;
      const seconds = Math.floor((rental.endedAt!.getTime() - rental.startedAt.getTime()) / 1000);
      const chargedMinor = rentalChargeMinor(
        { perHourMicros: rental.pricePerHourMicros, perGbMicros: rental.pricePerGbMicros },
        seconds,
        bytes,
      );
      charges.set(rental.id, { rental, charge: { rentalId: rental.id, bytesUsed: bytes, chargedMinor } });
    }
    if (charges.size === 0) return 0;
    const marked = await this.transactions.run(async () => {
      const ids = await this.usage.markReported([...charges.values()].map((entry) => entry.charge));
      const billable = ids.map((id) => charges.get(id)!).filter((entry) => entry.charge.chargedMinor > 0n);
      const stored = await this.deliveries.store(
        billable.map((entry) => serviceChargeMessage(chargeOf(entry))),
      );
      await afterCommit(() => this.deliveries.deliverInBackground(stored));
      return ids.map((id) => charges.get(id)!);
    });
    for (const { rental, charge } of marked) {
      this.reported.inc({ currency: rental.currency });
      this.charged.inc({ currency: rental.currency }, Number(charge.chargedMinor));
    }
    this.logger.log({ msg: 'proxy rentals reported', rentals: marked.length });
    return marked.length;
  }

  /** Bytes the vendor reports for the rental, null when it does not report them, undefined on failure. */
  private async trafficOf(
    rental: RentalRecord,
    provider: ProxyProviderRecord | undefined,
  ): Promise<bigint | null | undefined> {
    const vendor = provider ? this.vendors.of(provider) : null;
    if (!vendor || !rental.externalId) return null;
    try {
      return await vendor.trafficBytes(rental.externalId, rental.startedAt, rental.endedAt!);
    } catch (error) {
      this.logger.warn({
        msg: 'vendor traffic unavailable; rental left for the next run',
        rentalId: rental.id,
        err: (error as Error).message,
      });
      return undefined;
    }
  }
}

function chargeOf({ rental, charge }: { rental: RentalRecord; charge: RentalCharge }): ServiceChargeRequest {
  const minutes = Math.ceil((rental.endedAt!.getTime() - rental.startedAt.getTime()) / 60_000);
  return {
    reference: `proxy-rental:${rental.id}`,
    userId: rental.userId,
    tenantId: rental.tenantId,
    source: 'proxy',
    description: `Proxy ${rental.countryCode} ${rental.type}, ${minutes} min`,
    amountMinor: charge.chargedMinor.toString(),
    currency: rental.currency,
    occurredAt: rental.endedAt!.toISOString(),
  };
}

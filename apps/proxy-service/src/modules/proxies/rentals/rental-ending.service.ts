import { Injectable, Logger } from '@nestjs/common';
import type { ProxyRentalEndReason } from '@cloudphone/contracts';
import { MetricsService, TransactionRunner } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { RentalEventsPublisher } from './rental-events.publisher';
import type { RentalRecord } from './rental-record';
import { RentalsRepository } from './rentals.repository';

/** Rentals ended per statement when a whole allocation's or user's rentals end. */
const END_BATCH = 100;

/**
 * The one way rentals end: the ending statement frees the proxy, and `proxy.released` is written
 * in the same transaction (the caller's, when there is one). Usage is reported later, from the
 * ended rows, by proxy-usage-report.
 */
@Injectable()
export class RentalEnding {
  private readonly logger = new Logger(RentalEnding.name);
  private readonly ended: Counter<'reason'>;

  constructor(
    private readonly rentals: RentalsRepository,
    private readonly events: RentalEventsPublisher,
    private readonly transactions: TransactionRunner,
    metrics: MetricsService,
  ) {
    this.ended = metrics.counter({
      name: 'cloudphone_proxy_rentals_ended_total',
      help: 'Proxy rentals ended, by reason',
      labelNames: ['reason'],
    });
  }

  /** Ends one rental; null when it was not live (ended before, or concurrently by someone else). */
  async endOne(id: string, reason: ProxyRentalEndReason): Promise<RentalRecord | null> {
    const [ended] = await this.endWith(() => this.rentals.endOne(id, reason), reason);
    return ended ?? null;
  }

  endForProxy(proxyId: string, reason: ProxyRentalEndReason): Promise<RentalRecord[]> {
    return this.endWith(() => this.rentals.endForProxy(proxyId, reason), reason);
  }

  /** Ends every live rental bound to the allocation (its end announced by device-service). */
  endForAllocation(allocationId: string): Promise<RentalRecord[]> {
    return this.endAll(
      () => this.rentals.endForAllocation(allocationId, 'allocation_ended', END_BATCH),
      'allocation_ended',
    );
  }

  /** Ends every live rental of a user who was deleted or suspended, or whose account is overdue. */
  endForUser(userId: string, reason: 'user_gone' | 'account_overdue' = 'user_gone'): Promise<RentalRecord[]> {
    return this.endAll(() => this.rentals.endForUser(userId, reason, END_BATCH), reason);
  }

  /** Ends up to `limit` rentals past their sticky time. */
  endExpired(limit: number): Promise<RentalRecord[]> {
    return this.endWith(() => this.rentals.endExpired(limit), 'expired');
  }

  private async endAll(
    batch: () => Promise<RentalRecord[]>,
    reason: ProxyRentalEndReason,
  ): Promise<RentalRecord[]> {
    const all: RentalRecord[] = [];
    for (;;) {
      const ended = await this.endWith(batch, reason);
      all.push(...ended);
      if (ended.length < END_BATCH) return all;
    }
  }

  private async endWith(
    end: () => Promise<RentalRecord[]>,
    reason: ProxyRentalEndReason,
  ): Promise<RentalRecord[]> {
    const ended = await this.transactions.run(async () => {
      const rentals = await end();
      await this.events.released(rentals);
      return rentals;
    });
    if (ended.length > 0) {
      this.ended.inc({ reason }, ended.length);
      this.logger.log({ msg: 'proxy rentals ended', reason, rentals: ended.map((rental) => rental.id) });
    }
    return ended;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { SmsNumberEndReason } from '@cloudphone/contracts';
import { afterCommit, MetricsService, TransactionRunner } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { SmsProviderVendors } from '../providers/provider-vendors.service';
import type { SmsProviderRecord } from '../providers/sms-provider-record';
import { SmsProvidersRepository } from '../providers/sms-providers.repository';
import { NumberEventsPublisher } from './number-events.publisher';
import { NumbersRepository } from './numbers.repository';
import type { SmsNumberRecord } from './sms-number-record';

/** Numbers ended per statement. */
const END_BATCH = 100;
/** Attempts to tell a provider about an ended number before it is left to an operator. */
const SETTLE_ATTEMPTS = 10;

/**
 * The one way numbers end. The database change comes first and is what counts for the user (an
 * unused number is never charged, whatever the provider says later); the provider is told after
 * the commit (cancel: refunded; finish: paid), and a provider that cannot be told now is told by
 * number-expiry's next pass (`provider_settled_at`).
 */
@Injectable()
export class NumberEnding {
  private readonly logger = new Logger(NumberEnding.name);
  private readonly ended: Counter<'reason' | 'status'>;

  constructor(
    private readonly numbers: NumbersRepository,
    private readonly providers: SmsProvidersRepository,
    private readonly vendors: SmsProviderVendors,
    private readonly events: NumberEventsPublisher,
    private readonly transactions: TransactionRunner,
    metrics: MetricsService,
  ) {
    this.ended = metrics.counter({
      name: 'cloudphone_sms_numbers_ended_total',
      help: 'SMS numbers ended, by reason and final status (finished, cancelled, expired)',
      labelNames: ['reason', 'status'],
    });
  }

  /** A user's cancel of a number without a code; null when it is not waiting any more. */
  async cancel(id: string): Promise<SmsNumberRecord | null> {
    const [ended] = await this.end(`id = $1 AND status = 'waiting'`, [id], 'cancelled', 'cancelled', 1);
    return ended ?? null;
  }

  /** A user's finish of a number that got its code; null when it is not `received` any more. */
  async finish(id: string): Promise<SmsNumberRecord | null> {
    const [ended] = await this.end(`id = $1 AND status = 'received'`, [id], 'cancelled', 'finished', 1);
    return ended ?? null;
  }

  endForAllocation(allocationId: string): Promise<SmsNumberRecord[]> {
    return this.endAll(`allocation_id = $1`, [allocationId], 'allocation_ended');
  }

  endForUser(
    userId: string,
    reason: 'user_gone' | 'account_overdue' = 'user_gone',
  ): Promise<SmsNumberRecord[]> {
    return this.endAll(`user_id = $1`, [userId], reason);
  }

  /** Numbers past their expiry (pooled, waiting, or received and never finished). */
  expireDue(limit: number): Promise<SmsNumberRecord[]> {
    return this.end(`expires_at <= now()`, [], 'expired', 'expired', limit);
  }

  /** A number the provider ended by itself (cancelled, timed out, banned) before a code. */
  endedAtProvider(id: string): Promise<SmsNumberRecord[]> {
    return this.end(`id = $1 AND status = 'waiting'`, [id], 'expired', 'expired', 1);
  }

  /** Pooled numbers too close to their expiry to hand out, given back for a refund. */
  releasePool(where: string, parameters: unknown[], limit: number): Promise<SmsNumberRecord[]> {
    return this.end(`status = 'pooled' AND (${where})`, parameters, 'cancelled', 'cancelled', limit);
  }

  /** Tells providers about ended numbers they were not told about yet; answers how many it settled. */
  async settlePending(limit: number): Promise<number> {
    return this.settleAll(await this.numbers.unsettled(limit, SETTLE_ATTEMPTS));
  }

  private async endAll(
    where: string,
    parameters: unknown[],
    reason: SmsNumberEndReason,
  ): Promise<SmsNumberRecord[]> {
    const all: SmsNumberRecord[] = [];
    for (;;) {
      const ended = await this.end(where, parameters, 'cancelled', reason, END_BATCH);
      all.push(...ended);
      if (ended.length < END_BATCH) return all;
    }
  }

  private async end(
    where: string,
    parameters: unknown[],
    unused: 'cancelled' | 'expired',
    reason: SmsNumberEndReason,
    limit: number,
  ): Promise<SmsNumberRecord[]> {
    const ended = await this.transactions.run(async () => {
      const numbers = await this.numbers.end(where, parameters, unused, reason, limit);
      await this.events.expired(numbers);
      await afterCommit(() => void this.settleAll(numbers));
      return numbers;
    });
    for (const number of ended) this.ended.inc({ reason, status: number.status });
    if (ended.length > 0)
      this.logger.log({ msg: 'sms numbers ended', reason, numbers: ended.map((number) => number.id) });
    return ended;
  }

  /** Tells each number's provider, one after another; answers how many were told. */
  private async settleAll(numbers: SmsNumberRecord[]): Promise<number> {
    if (numbers.length === 0) return 0;
    const providers = await this.providers.byName();
    let settled = 0;
    for (const number of numbers)
      settled += (await this.settle(number, providers.get(number.provider))) ? 1 : 0;
    return settled;
  }

  /** Tells the provider: finish a number that got its code, cancel (refund) any other. */
  private async settle(number: SmsNumberRecord, provider: SmsProviderRecord | undefined): Promise<boolean> {
    if (!provider) return false;
    try {
      const vendor = this.vendors.of(provider);
      await (number.status === 'finished'
        ? vendor.finish(number.activationId)
        : vendor.cancel(number.activationId));
      await this.numbers.markSettled(number.id);
      return true;
    } catch (error) {
      const attempts = await this.numbers.markSettleFailed(number.id);
      const given = attempts >= SETTLE_ATTEMPTS;
      // Logged as an error once retries end: the provider may still charge the platform for it.
      this.logger[given ? 'error' : 'warn']({
        msg: given
          ? 'provider never told; left to an operator'
          : 'provider not told yet; number-expiry retries',
        numberId: number.id,
        provider: number.provider,
        attempts,
        err: (error as Error).message,
      });
      return false;
    }
  }
}

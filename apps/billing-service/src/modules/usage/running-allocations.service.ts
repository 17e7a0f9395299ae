import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { AllocationResponse } from '@cloudphone/contracts';
import {
  afterCommit,
  AppError,
  DeviceAllocationsClient,
  isUuidText,
  MetricsService,
  TransactionRunner,
} from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { BillingServiceConfig } from '../../config/billing-service.config';
import { type AccountSnapshot, AccountBalanceService, type AppliedBalanceChange } from '../accounts';
import { PricingService } from '../pricing';
import { listedAllocationVerdict } from './listed-allocation';
import type { AllocationStart, SlicedUsage, UsageSlice } from './running-allocation';
import { RunningAllocationsRepository } from './running-allocations.repository';
import type { UsageRecord } from './usage-record';
import { nextSliceEnd, sliceAmount } from './usage-slicing';

/**
 * Active allocations asked of device-service per page of a run (its largest page), each due one then
 * sliced in its own short transaction.
 */
const PAGE = 100;
/**
 * How far short of now a slice stops. device-service bills a release at its own clock, which may be
 * behind ours: a slice reaching our "now" could charge seconds it then does not bill.
 */
const CLOCK_MARGIN_SECONDS = 60;

/** What one run of the job did. */
export interface SlicingRun {
  /** Active allocations device-service listed (those that started a slice before the horizon). */
  listed: number;
  charged: number;
  failed: number;
  /** Listed allocations left unmetered because device-service described them wrongly (logged). */
  skipped: number;
}

/**
 * Running allocations charged in slices (the meter-running-allocations job), so a balance reflects
 * long allocations before their release, and their closing when the usage report charges the rest.
 *
 * Which allocations run is asked of device-service at each run, not learnt from its events: an
 * allocation it lists as active was running when the list was read, after the run's instant, and a
 * slice stops a margin before that instant, so no slice passes an end without billing having to know
 * ends. Ended allocations are simply no longer listed; their usage reports charge the rest.
 *
 * Every slice and every usage report of an allocation takes its account's row lock first, so they
 * happen one after another and each sees what the others committed: a slice reads the meter (and
 * the absence of a usage report) under that lock. The meter's row lock, its position checked in
 * the slice's own INSERT and the unique (allocation_id, seconds_from) are the last words.
 */
@Injectable()
export class RunningAllocationsService {
  private readonly logger = new Logger(RunningAllocationsService.name);
  private readonly slices: Counter<'outcome'>;
  private readonly listed: Counter;
  private readonly skipped: Counter;
  private readonly slicedMinor: Counter<'currency'>;
  private readonly refundedMinor: Counter<'currency'>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly meters: RunningAllocationsRepository,
    private readonly balances: AccountBalanceService,
    private readonly pricing: PricingService,
    private readonly allocations: DeviceAllocationsClient,
    private readonly config: BillingServiceConfig,
    metrics: MetricsService,
  ) {
    this.slices = metrics.counter({
      name: 'cloudphone_billing_usage_slices_total',
      help: 'Slices of running allocations the meter-running-allocations job charged or failed to charge',
      labelNames: ['outcome'],
    });
    this.slicedMinor = metrics.counter({
      name: 'cloudphone_billing_usage_sliced_minor_total',
      help: 'Minor units charged by slices of running allocations, before their usage reports',
      labelNames: ['currency'],
    });
    this.listed = metrics.counter({
      name: 'cloudphone_billing_meter_listed_allocations_total',
      help: 'Active allocations device-service listed to the meter-running-allocations job',
    });
    this.skipped = metrics.counter({
      name: 'cloudphone_billing_meter_skipped_allocations_total',
      help: 'Listed allocations left unmetered because device-service described them wrongly (expected 0)',
    });
    this.refundedMinor = metrics.counter({
      name: 'cloudphone_billing_usage_slice_refunded_minor_total',
      help: 'Minor units slices took beyond the price of the seconds finally billed, given back (expected 0)',
      labelNames: ['currency'],
    });
  }

  /**
   * Charges every running allocation with a slice due at `at`: pages of the active allocations
   * device-service lists (by id), their meters started or extended, and each due one sliced in its
   * own transaction. An allocation that fails is logged and left to the next run (its usage report
   * charges whatever was not sliced, so a missed slice costs nothing but timeliness). While
   * device-service is unavailable the run throws (503) with what earlier pages charged kept.
   */
  async sliceDue(at: Date, signal?: AbortSignal): Promise<SlicingRun> {
    const sliceSeconds = this.config.meterSliceMinSeconds;
    const horizon = new Date(at.getTime() - CLOCK_MARGIN_SECONDS * 1000);
    // An allocation that started later has no whole slice before the horizon.
    const startedBefore = new Date(horizon.getTime() - sliceSeconds * 1000);
    const run: SlicingRun = { listed: 0, charged: 0, failed: 0, skipped: 0 };
    let afterId: string | null = null;
    for (;;) {
      const page = await this.allocations.activePage({ startedBefore, afterId, limit: PAGE });
      run.listed += page.length;
      this.listed.inc(page.length);
      const starts = this.meterStartsOf(page, run);
      if (starts.length > 0) {
        await this.meters.upsertListed(starts);
        const due = await this.meters.findDueAmong(
          starts.map((start) => start.allocationId),
          horizon,
          sliceSeconds,
        );
        for (const meter of due) {
          if (signal?.aborted) return run;
          await this.sliceCounted(meter.allocationId, at, run);
        }
      }
      if (page.length < PAGE) return run;
      const lastId = page[page.length - 1].id;
      // device-service would refuse it as a cursor (400): the run ends here, its item logged skipped.
      if (!isUuidText(lastId)) return run;
      afterId = lastId;
    }
  }

  /** The page's meters; an item device-service described wrongly is logged, counted and left out. */
  private meterStartsOf(page: readonly AllocationResponse[], run: SlicingRun): AllocationStart[] {
    const starts: AllocationStart[] = [];
    for (const allocation of page) {
      const verdict = listedAllocationVerdict(allocation);
      if ('start' in verdict) {
        starts.push(verdict.start);
        continue;
      }
      run.skipped += 1;
      this.skipped.inc();
      this.logger.error({
        msg: 'Listed allocation left unmetered: device-service described it wrongly',
        allocationId: String(allocation.id).slice(0, 64),
        reason: verdict.malformed,
      });
    }
    return starts;
  }

  /** `sliceOne`, its outcome added to `run`; a failure is logged, not thrown. */
  private async sliceCounted(allocationId: string, at: Date, run: SlicingRun): Promise<void> {
    try {
      if ((await this.sliceOne(allocationId, at)) === 'charged') run.charged += 1;
    } catch (error) {
      run.failed += 1;
      this.slices.inc({ outcome: 'failed' });
      const log = { msg: 'Slice of a running allocation failed', allocationId };
      if (error instanceof AppError) this.logger.warn({ ...log, code: error.code });
      else this.logger.error({ ...log, err: error });
    }
  }

  /** Charges the allocation's slice due at `at`, if any, in its own transaction. */
  async sliceOne(allocationId: string, at: Date): Promise<'charged' | 'skipped'> {
    const known = await this.meters.find(allocationId);
    if (!known) return 'skipped';
    return this.transactions.run(async () => {
      const account = await this.balances.lockAccount({
        userId: known.userId,
        tenantId: known.tenantId,
        currency: this.config.defaultCurrency,
      });
      // Read under the account's lock: a usage report recorded or a slice charged meanwhile is seen.
      const meter = await this.meters.lockOpen(allocationId);
      if (!meter) return 'skipped';
      const end = nextSliceEnd(meter, at, this.config.meterSliceMinSeconds, CLOCK_MARGIN_SECONDS);
      if (end === null) return 'skipped';
      // The plan that will price the usage report: the one in force when the allocation started.
      const plan = await this.pricing.planInForce(account.currency, meter.startedAt);
      const amount = sliceAmount(this.pricing.price(plan, meter, end), meter.slicedMinor);
      const slice: UsageSlice = {
        id: randomUUID(),
        allocationId,
        accountId: account.id,
        kind: 'slice',
        secondsFrom: meter.slicedSeconds,
        secondsTo: end,
        amountMinor: amount,
        pricePlanId: plan.id,
        currency: account.currency,
      };
      if (!(await this.meters.insertSlice(slice))) return 'skipped';
      const applied = await this.balances.apply(account, {
        kind: 'usage_slice',
        amountMinor: -amount,
        usageSliceId: slice.id,
      });
      if (!applied) throw new Error(`Ledger refused slice ${slice.id} of allocation ${allocationId}`);
      await afterCommit(() => {
        this.slices.inc({ outcome: 'charged' });
        this.slicedMinor.inc({ currency: account.currency }, Number(amount));
        this.logger.log({
          msg: 'Running allocation sliced',
          allocationId,
          userId: known.userId,
          secondsFrom: slice.secondsFrom,
          secondsTo: end,
          amountMinor: amount.toString(),
          balanceMinor: applied.balanceMinor.toString(),
        });
      });
      return 'charged';
    });
  }

  /**
   * What the slices charged the allocation so far (zeros if it has none), read as its usage report
   * is recorded (in the report's transaction, the account locked) and its meter locked until the
   * commit, so no slice moves it before `close`.
   */
  lockSliced(allocationId: string): Promise<SlicedUsage> {
    return this.meters.lockSliced(allocationId);
  }

  /** `lockSliced` for a batch of reports, in one statement (allocations without a meter are absent). */
  lockSlicedAll(allocationIds: readonly string[]): Promise<Map<string, SlicedUsage>> {
    return this.meters.lockSlicedAll(allocationIds);
  }

  /**
   * Closes the allocation's meter as its usage report is recorded (in the report's transaction, the
   * account locked, the meter locked by `lockSliced`) and gives back `refundMinor`, what the slices
   * took beyond the allocation's price, as a refund slice. Returns the account after the refund
   * (`charged` when there is none).
   */
  async close(
    account: AccountSnapshot,
    charged: AppliedBalanceChange,
    record: UsageRecord,
    refundMinor: bigint,
  ): Promise<AppliedBalanceChange> {
    await this.meters.close(record.allocationId, record.id);
    if (refundMinor === 0n) return charged;
    const refund: UsageSlice = {
      id: randomUUID(),
      allocationId: record.allocationId,
      accountId: account.id,
      kind: 'refund',
      secondsFrom: record.slicedSeconds,
      secondsTo: record.billedSeconds,
      amountMinor: -refundMinor,
      pricePlanId: record.pricePlanId,
      currency: account.currency,
    };
    if (!(await this.meters.insertRefund(refund))) {
      throw new Error(`Refund of allocation ${record.allocationId} refused: it has one already`);
    }
    const applied = await this.balances.apply(
      { ...account, balanceMinor: charged.balanceMinor, status: charged.status },
      { kind: 'usage_slice', amountMinor: refundMinor, usageSliceId: refund.id },
    );
    if (!applied) throw new Error(`Ledger refused refund ${refund.id} of allocation ${record.allocationId}`);
    await afterCommit(() => {
      this.refundedMinor.inc({ currency: account.currency }, Number(refundMinor));
      // Slices only take seconds device-service is sure to bill: an excess means it billed fewer.
      this.logger.error({
        msg: 'Slices took more than the allocation cost; the excess was given back',
        allocationId: record.allocationId,
        slicedSeconds: record.slicedSeconds,
        billedSeconds: record.billedSeconds,
        refundMinor: refundMinor.toString(),
      });
    });
    return applied;
  }
}

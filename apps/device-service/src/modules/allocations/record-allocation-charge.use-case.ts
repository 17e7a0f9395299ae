import { Injectable } from '@nestjs/common';
import { BatchingQueue, inTransaction, MetricsService, writeAloneOnRefusal } from '@cloudphone/shared';
import type { Histogram } from 'prom-client';
import { UsageReportDispatcher } from '../usage-reports';
import { AllocationChargesRepository } from './allocation-charges.repository';

/** Charges written by one statement at most (more than the consumer's prefetch). */
const CHARGE_BATCH_ITEMS = 100;

/** What billing charged for one allocation, told by its `billing.usage_recorded` event. */
export interface AllocationCharge {
  allocationId: string;
  amountMinor: string;
  currency: string;
}

/**
 * Charges (§5 event consumers): billing-service prices an allocation's usage after it ended; the
 * allocation keeps that price so its answer shows what it cost.
 */
@Injectable()
export class RecordAllocationChargeUseCase {
  // The charges of concurrently consumed events leave together, one statement per batch; a batch
  // refused as a whole is written again one by one, so only the bad event fails and is retried.
  private readonly charges = new BatchingQueue<AllocationCharge, boolean>(
    writeAloneOnRefusal(async (charges: AllocationCharge[]) => {
      this.batchItems.observe(charges.length);
      const found = await this.allocations.recordCharges(charges.map((charge) => this.row(charge)));
      return charges.map((charge) => found.has(charge.allocationId));
    }),
    CHARGE_BATCH_ITEMS,
  );
  private readonly batchItems: Histogram;

  constructor(
    private readonly allocations: AllocationChargesRepository,
    private readonly dispatcher: UsageReportDispatcher,
    metrics: MetricsService,
  ) {
    this.batchItems = metrics.histogram({
      name: 'cloudphone_allocation_charge_batch_items',
      help: 'Charges (billing.usage_recorded events consumed at once) stored by one statement',
      buckets: [1, 2, 4, 8, 16, 32, 64, 100],
    });
  }

  /**
   * Stores the charge on the allocation (live or already archived) and settles its billing report,
   * in one statement shared with the charges recorded at the same time: billing has the usage,
   * whatever happened to the HTTP answer, so the report must not be resent.
   * Both writes repeat harmlessly, so a redelivered event needs no inbox row. False when the
   * allocation is unknown here.
   */
  async record(charge: AllocationCharge): Promise<boolean> {
    // Inside a transaction the write must be that transaction's: a batch runs in its first
    // caller's context, which would make the others' writes depend on that caller's commit.
    if (!inTransaction()) return this.charges.submit(charge);
    return (await this.allocations.recordCharges([this.row(charge)])).has(charge.allocationId);
  }

  private row(charge: AllocationCharge) {
    return { ...charge, billingReportId: this.dispatcher.billingReportId(charge.allocationId) };
  }
}

import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type UsageRecordRequest, USAGE_BATCH_MAX_ITEMS } from '@cloudphone/contracts';
import { type DeliveryOutcome, MetricsService } from '@cloudphone/shared';
import type { Counter, Gauge } from 'prom-client';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { BillingClient } from '../../integrations/platform-services/billing.client';
import { QuotaClient } from '../../integrations/platform-services/quota.client';
import type { DeliveryResult, NewUsageReport, UsageReport, UsageReportKind } from './usage-report';
import { UsageReportsRepository } from './usage-reports.repository';

/** A claimed report stays reserved for this long while its delivery is attempted. */
const DELIVERY_LEASE_MS = 60_000;
/** Quota reports sent at once; more wait for a free slot. */
const QUOTA_CONCURRENCY = 10;
/** Billing refusals no resend can fix; anything else in a batch result is retried later. */
const PERMANENT_BILLING_ERRORS = new Set(['USAGE_CONFLICT', 'VALIDATION_FAILED', 'BALANCE_OUT_OF_RANGE']);

export interface DeliverySummary {
  delivered: number;
  deferred: number;
  rejected: number;
}

/**
 * Sends usage reports to user-service and billing-service. Right after a change commits its
 * reports are sent at once; whatever could not be delivered (target down, breaker open) is retried
 * with backoff by the deliver-usage-reports job, until the target answers. Both targets deduplicate
 * per allocation, so a report sent twice (a crash between send and settle) is harmless.
 */
@Injectable()
export class UsageReportDispatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(UsageReportDispatcher.name);
  private readonly background = new Set<Promise<unknown>>();
  private readonly deliveries: Counter<'kind' | 'result'>;
  private readonly pending: Gauge<'kind'>;
  private readonly oldestPending: Gauge<'kind'>;

  constructor(
    private readonly reports: UsageReportsRepository,
    private readonly quota: QuotaClient,
    private readonly billing: BillingClient,
    private readonly config: DeviceServiceConfig,
    metrics: MetricsService,
  ) {
    this.deliveries = metrics.counter({
      name: 'cloudphone_usage_report_deliveries_total',
      help: 'Delivery attempts of quota and billing reports by kind and result',
      labelNames: ['kind', 'result'],
    });
    this.pending = metrics.gauge({
      name: 'cloudphone_usage_reports_pending',
      help: 'Quota and billing reports not yet delivered (set by deliver-usage-reports)',
      labelNames: ['kind'],
    });
    this.oldestPending = metrics.gauge({
      name: 'cloudphone_usage_reports_oldest_pending_age_seconds',
      help: 'Age of the oldest undelivered report by kind (set by deliver-usage-reports)',
      labelNames: ['kind'],
    });
  }

  /**
   * Stores reports in the caller's transaction (see UsageReportsRepository.insert for why they are
   * not due yet); send them with `deliver`/`deliverInBackground` once it has committed.
   */
  store(reports: NewUsageReport[]): Promise<UsageReport[]> {
    return this.reports.insert(reports, DELIVERY_LEASE_MS);
  }

  /** Deletes up to `limit` reports settled more than `retentionDays` ago; returns how many. */
  trimSettled(retentionDays: number, limit: number): Promise<number> {
    return this.reports.trimSettled(retentionDays, limit);
  }

  /**
   * Settles an allocation's billing report as delivered because billing-service says it recorded
   * the usage (its `billing.usage_recorded` event), in case the HTTP answer was lost. Runs in the
   * caller's transaction; nothing to do when the report is settled already or unknown.
   */
  settleBillingRecorded(allocationId: string): Promise<void> {
    return this.reports.settleBillingOf(allocationId);
  }

  /** Sends reports `store` returned, once their transaction committed; returns when each was answered. */
  deliver(reports: UsageReport[]): Promise<DeliverySummary> {
    return this.send(reports);
  }

  /** Like `deliver`, without making the caller wait; shutdown waits for these to finish. */
  deliverInBackground(reports: UsageReport[]): void {
    if (reports.length === 0) return;
    const delivery = this.deliver(reports).catch((error: unknown) =>
      this.logger.warn({ msg: 'usage report delivery failed; the job will retry', err: error }),
    );
    this.background.add(delivery);
    void delivery.finally(() => this.background.delete(delivery));
  }

  /** The job's pass: up to `limit` due reports. */
  async deliverDue(limit: number): Promise<DeliverySummary> {
    const summary = await this.send(await this.reports.claimDue(limit, DELIVERY_LEASE_MS));
    await this.publishBacklog();
    return summary;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  /** Quota reports a few at a time (user-service has no batch call), billing ones in batches. */
  private async send(reports: UsageReport[]): Promise<DeliverySummary> {
    const billing = reports.filter((report) => report.kind === 'billing_usage');
    const quota = reports.filter((report) => report.kind !== 'billing_usage');
    const results: Array<{ report: UsageReport; result: DeliveryResult }> = [];
    for (let index = 0; index < quota.length; index += QUOTA_CONCURRENCY) {
      const chunk = quota.slice(index, index + QUOTA_CONCURRENCY);
      const chunkResults = await Promise.all(chunk.map((report) => this.sendOne(report)));
      chunk.forEach((report, position) => results.push({ report, result: chunkResults[position] }));
    }
    for (let index = 0; index < billing.length; index += USAGE_BATCH_MAX_ITEMS) {
      const batch = billing.slice(index, index + USAGE_BATCH_MAX_ITEMS);
      const batchResults = await this.sendBillingBatch(batch);
      batch.forEach((report, position) => results.push({ report, result: batchResults[position] }));
    }
    // One statement settles every delivered report; refusals and postponements were written as they came.
    const delivered = results.filter((entry) => entry.result === 'delivered').map((entry) => entry.report.id);
    await this.reports.settle(delivered, 'delivered');
    const summary: DeliverySummary = { delivered: 0, deferred: 0, rejected: 0 };
    for (const { report, result } of results) {
      summary[result]++;
      this.deliveries.inc({ kind: report.kind, result });
    }
    return summary;
  }

  private async sendOne(report: UsageReport): Promise<DeliveryResult> {
    let outcome: DeliveryOutcome<unknown>;
    try {
      outcome = await this.call(report);
    } catch (error) {
      return this.settle(report, 'deferred', (error as Error)?.message ?? String(error));
    }
    if (outcome.status === 'delivered') return 'delivered';
    if (outcome.status === 'rejected') return this.settle(report, 'rejected', outcome.failure.message);
    return this.settle(report, 'deferred', outcome.failure.message, outcome.retryAfterMs);
  }

  private call(report: UsageReport): Promise<DeliveryOutcome<unknown>> {
    switch (report.kind) {
      case 'quota_usage':
        return this.quota.reportUsage(report.payload);
      case 'quota_restore':
        return this.quota.restore(report.payload);
      case 'billing_usage':
        return this.billing.recordUsage(report.payload);
    }
  }

  private async sendBillingBatch(batch: UsageReport[]): Promise<DeliveryResult[]> {
    if (batch.length === 1) return [await this.sendOne(batch[0])];
    const outcome = await this.billing.recordUsageBatch({
      items: batch.map((report) => report.payload as UsageRecordRequest),
    });
    if (outcome.status !== 'delivered') {
      // A refused batch (one malformed item) is retried item by item, so the others still get through.
      if (outcome.status === 'rejected') return Promise.all(batch.map((report) => this.sendOne(report)));
      const error = outcome.failure.message;
      return Promise.all(batch.map((report) => this.settle(report, 'deferred', error, outcome.retryAfterMs)));
    }
    return Promise.all(
      batch.map(async (report, index): Promise<DeliveryResult> => {
        const item = outcome.response.results[index];
        if (item && item.allocationId === report.allocationId && item.status !== 'failed') return 'delivered';
        const error = item ? `${item.errorCode}: ${item.errorMessage}` : 'missing from the batch answer';
        const permanent = item?.errorCode !== undefined && PERMANENT_BILLING_ERRORS.has(item.errorCode);
        return this.settle(report, permanent ? 'rejected' : 'deferred', error);
      }),
    );
  }

  /** Records a refusal or a postponement now; deliveries are settled together by `send`. */
  private async settle(
    report: UsageReport,
    result: 'rejected' | 'deferred',
    error?: string,
    retryAfterMs?: number,
  ): Promise<DeliveryResult> {
    if (result === 'rejected') {
      // A refusal for good needs a person: the allocation was served but its report is refused.
      this.logger.error({
        msg: 'usage report refused by its target; not retried',
        kind: report.kind,
        allocationId: report.allocationId,
        error,
      });
      await this.reports.settle([report.id], 'rejected', error);
    } else {
      const delayMs = Math.max(retryAfterMs ?? 0, this.backoffMs(report.attempts + 1));
      this.logger.warn({
        msg: 'usage report not delivered; will retry',
        kind: report.kind,
        allocationId: report.allocationId,
        attempt: report.attempts + 1,
        retryInMs: delayMs,
        error,
      });
      await this.reports.postpone(report.id, delayMs, error ?? 'not delivered');
    }
    return result;
  }

  private backoffMs(attempts: number): number {
    const initial = this.config.usageReportRetryInitialDelayMs;
    const ceiling = this.config.usageReportRetryMaxDelayMs;
    const planned = Math.min(ceiling, initial * 2 ** Math.min(30, Math.max(0, attempts - 1)));
    // Half fixed, half jitter: replicas retrying together spread out, yet never retry much too soon.
    return Math.ceil(planned / 2 + Math.random() * (planned / 2));
  }

  private async publishBacklog(): Promise<void> {
    const backlog = await this.reports.backlog();
    const kinds: UsageReportKind[] = ['quota_usage', 'quota_restore', 'billing_usage'];
    for (const kind of kinds) {
      const entry = backlog.find((row) => row.kind === kind);
      this.pending.set({ kind }, entry?.pending ?? 0);
      this.oldestPending.set({ kind }, entry?.oldestAgeSeconds ?? 0);
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { AllocationEndReason } from '@cloudphone/contracts';
import { afterCommit, MetricsService, SharedStatement } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { AdbGateway } from '../access';
import { DeviceHandOver } from '../devices';
import { UsageReportDispatcher } from '../usage-reports';
import { AllocationEventsPublisher } from './allocation-events.publisher';
import type { AllocationRecord, EndedAllocation } from './allocation-record';
import { allocationStatementBatchItems } from './allocation-statement.metrics';
import { type AllocationEnd, AllocationTransitionsRepository } from './allocation-transitions.repository';
import { AllocationsRepository } from './allocations.repository';
import { SchedulerClock } from './scheduler-clock';

/**
 * How the quota and billing reports of ended allocations are sent after the commit: a user's own
 * release waits for the quota to be given back (so an immediate new allocation sees it), jobs and
 * event handlers leave everything to a background pass that batches billing.
 */
type Delivery = 'wait-for-quota' | 'background';

/**
 * The step every use case that ends allocations shares — release, expiry, account overdue, device
 * failure: one conditional statement ends the rows, hands their devices to the wipe, and stores
 * each one's quota restore, billing record and event in the outbox (allocation-ending-sql.ts), so a
 * release is one round trip with no transaction around it. Nothing is sent before it commits, and
 * nothing is lost or counted twice whatever happens after it. Concurrent ends of single allocations
 * on this replica (releases, failovers outside a transaction) share that statement.
 */
@Injectable()
export class EndAllocations {
  private readonly logger = new Logger(EndAllocations.name);
  private readonly ended: Counter<'reason'>;
  private readonly ends: SharedStatement<AllocationEnd, EndedAllocation | null>;

  constructor(
    private readonly allocations: AllocationsRepository,
    private readonly transitions: AllocationTransitionsRepository,
    private readonly dispatcher: UsageReportDispatcher,
    private readonly publisher: AllocationEventsPublisher,
    private readonly clock: SchedulerClock,
    private readonly handOver: DeviceHandOver,
    private readonly gateway: AdbGateway,
    metrics: MetricsService,
  ) {
    this.ended = metrics.counter({
      name: 'cloudphone_allocations_ended_total',
      help: 'Allocations ended, by reason',
      labelNames: ['reason'],
    });
    const batchItems = allocationStatementBatchItems(metrics);
    this.ends = new SharedStatement((items) => this.transitions.endAll(items), {
      onBatch: (items) => batchItems.observe({ operation: 'end' }, items),
    });
  }

  /**
   * Ends one active allocation now, and waits for its quota to be back; null when it was not active
   * (already ended, or `fencingToken` names an older claim) or, with `ownerId`, not that user's.
   */
  async endOne(
    id: string,
    reason: AllocationEndReason,
    fencingToken?: string,
    ownerId?: string,
  ): Promise<AllocationRecord | null> {
    const ended = await this.ends.run({ id, reason, at: this.clock.timeToRecord(), fencingToken, ownerId });
    if (!ended) return null;
    await this.settle([ended], 'wait-for-quota');
    return ended.allocation;
  }

  /** Ends every active allocation of a user inside the caller's transaction (an event handler's). */
  async endAllOfUser(userId: string, reason: AllocationEndReason): Promise<AllocationRecord[]> {
    const ended = await this.allocations.endAllOfUser(userId, reason, this.clock.timeToRecord());
    await this.settle(ended, 'background');
    return ended.map(({ allocation }) => allocation);
  }

  /**
   * Ends an allocation whose device failed, billed to the failure (or its end, if that came first),
   * inside the caller's transaction; null when that claim is no longer active.
   */
  async endFailed(allocation: AllocationRecord, failedAt: Date): Promise<AllocationRecord | null> {
    const ended = await this.ends.run({
      id: allocation.id,
      reason: 'device_failed',
      at: failedAt,
      fencingToken: allocation.fencingToken,
    });
    if (!ended) return null;
    await this.settle([ended], 'background');
    return ended.allocation;
  }

  /** Expires up to `limit` allocations that are due, billed to their scheduled end. */
  async expireDue(limit: number): Promise<AllocationRecord[]> {
    const expired = await this.allocations.expireDue(await this.clock.now(), limit);
    await this.settle(expired, 'background');
    return expired.map(({ allocation }) => allocation);
  }

  /** What follows an end statement: the relay woken, the device's wipe, the reports delivered. */
  private async settle(ended: EndedAllocation[], delivery: Delivery): Promise<void> {
    if (ended.length === 0) return;
    for (const { allocation } of ended) this.ended.inc({ reason: allocation.endReason ?? 'unknown' });
    const stored = this.dispatcher.reportsOf(ended.flatMap(({ reports }) => reports));
    const quota = stored.filter((report) => report.kind === 'quota_restore');
    const billing = stored.filter((report) => report.kind === 'billing_usage');
    // An end changes no answer of the available-devices cache: the device goes from held to
    // `resetting` (devices_holder_check: a held device is never `available`), and the hand-over
    // evicts the cache when a wipe makes it available. The quota restore a release waits for
    // leaves before the relay's wake-up, whose claim would otherwise go first in the event loop.
    const settled = afterCommit(async () => {
      // Cuts this replica's sessions to the ended claims now; other replicas at their next sync.
      this.gateway.cutEnded(
        ended.map(({ allocation }) => ({
          allocationId: allocation.id,
          fencingToken: allocation.fencingToken,
        })),
      );
      if (delivery === 'background') {
        this.dispatcher.deliverInBackground(stored);
        return;
      }
      this.dispatcher.deliverInBackground(billing);
      const summary = await this.dispatcher.deliver(quota);
      if (summary.deferred > 0) {
        this.logger.warn({
          msg: 'quota not given back yet; the outbox relay will retry',
          allocations: ended.length,
        });
      }
    });
    await this.publisher.written();
    // The devices are `resetting`: the hand-over wipes them, then wakes the queue.
    await this.handOver.kick();
    await settled;
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { DevicesModule } from '../devices';
import { UsageReportsModule } from '../usage-reports';
import { AllocationEndingService } from './allocation-endings.service';
import { AllocationEntitlements } from './allocation-entitlements.service';
import { AllocationMaintenanceService } from './allocation-maintenance.service';
import { AllocationQueryService } from './allocation-query.service';
import { AllocationStatsRepository } from './allocation-stats.repository';
import { AllocationService } from './allocation.service';
import { AllocationsController } from './allocations.controller';
import { AllocationsRepository } from './allocations.repository';
import { BillingEventsHandler } from './events/billing-events.handler';
import { AllocationHistoryCleanupJob } from './jobs/allocation-history-cleanup.job';
import { AllocationMetricsJob } from './jobs/allocation-metrics.job';
import { AllocationStatsSnapshotJob } from './jobs/allocation-stats-snapshot.job';
import { ExpireAllocationsJob } from './jobs/expire-allocations.job';
import { RecoverStaleClaimsJob } from './jobs/recover-stale-claims.job';
import { WarnExpiringAllocationsJob } from './jobs/warn-expiring-allocations.job';
import { DatabaseClock, SchedulerClock } from './scheduler-clock';

export interface AllocationsModuleOptions {
  /** Where allocation times come from (default: the database clock); tests pass their own. */
  clock?: SchedulerClock;
}

/** The allocation scheduler (§5): allocate, release, lists and stats, expiry and its jobs. */
@Module({
  imports: [DevicesModule, UsageReportsModule],
  controllers: [AllocationsController],
  providers: [
    AllocationsRepository,
    AllocationStatsRepository,
    AllocationEntitlements,
    AllocationEndingService,
    AllocationService,
    AllocationQueryService,
    AllocationMaintenanceService,
    BillingEventsHandler,
    ExpireAllocationsJob,
    WarnExpiringAllocationsJob,
    RecoverStaleClaimsJob,
    AllocationStatsSnapshotJob,
    AllocationHistoryCleanupJob,
    AllocationMetricsJob,
  ],
})
export class AllocationsModule {
  static forRoot(options: AllocationsModuleOptions = {}): DynamicModule {
    const clock = options.clock
      ? { provide: SchedulerClock, useValue: options.clock }
      : { provide: SchedulerClock, useClass: DatabaseClock };
    return { module: AllocationsModule, providers: [clock] };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformServicesModule } from '../../integrations/platform-services/platform-services.module';
import { AccessModule } from '../access';
import { DevicesModule } from '../devices';
import { NodesModule } from '../nodes';
import { UsageReportsModule } from '../usage-reports';
import { AllocationAdmission } from './allocation-admission';
import { AllocateDeviceUseCase } from './allocate-device.use-case';
import { AllocationEntitlements } from './allocation-entitlements.service';
import { AllocationEventsPublisher } from './allocation-events.publisher';
import { AllocationHistoryRepository } from './allocation-history.repository';
import { AllocationHistory } from './allocation-history.service';
import { AllocationQueryService } from './allocation-query.service';
import { AllocationStatistics } from './allocation-statistics.service';
import { AllocationStatsRepository } from './allocation-stats.repository';
import { AllocationBatchController } from './allocation-batch.controller';
import { AllocationBatchUseCase } from './allocation-batch.use-case';
import { AllocationExtensionsController } from './allocation-extensions.controller';
import { AllocationExtensionsRepository } from './allocation-extensions.repository';
import { AllocationsController } from './allocations.controller';
import { AllocationsRepository } from './allocations.repository';
import { AllocationTransitionsRepository } from './allocation-transitions.repository';
import { EndAllocations } from './end-allocations.service';
import { AllocationFailoverRepository } from './allocation-failover.repository';
import { BillingEventsHandler } from './events/billing-events.handler';
import { DeviceEventsHandler } from './events/device-events.handler';
import { UserEventsHandler } from './events/user-events.handler';
import { ExpireAllocationsUseCase } from './expire-allocations.use-case';
import { ExplainPlacementUseCase } from './explain-placement.use-case';
import { ExtendAllocationUseCase } from './extend-allocation.use-case';
import { FailoverAllocationUseCase } from './failover-allocation.use-case';
import { AllocationHistoryCleanupJob } from './jobs/allocation-history-cleanup.job';
import { AllocationMetricsJob } from './jobs/allocation-metrics.job';
import { AllocationStatsSnapshotJob } from './jobs/allocation-stats-snapshot.job';
import { ExpireAllocationsJob } from './jobs/expire-allocations.job';
import { RecoverStaleClaimsJob } from './jobs/recover-stale-claims.job';
import { WarnExpiringAllocationsJob } from './jobs/warn-expiring-allocations.job';
import { RecoverStaleClaimsUseCase } from './recover-stale-claims.use-case';
import { PlacementChoices } from './placement-choice';
import { PlacementRepository } from './placement.repository';
import { ReleaseAllocationUseCase } from './release-allocation.use-case';
import { QUEUE_CONTROLLERS, QUEUE_PROVIDERS } from './queue/queue.providers';
import { RESERVATION_CONTROLLERS, RESERVATION_PROVIDERS } from './reservations/reservation.providers';
import { DatabaseClock, SchedulerClock } from './scheduler-clock';
import { UserTiers } from './user-tiers.service';

export interface AllocationsModuleOptions {
  /** Where allocation times come from (default: the database clock); tests pass their own. */
  clock?: SchedulerClock;
}

/**
 * The allocation scheduler (§5). One `*.use-case.ts` per thing it does — allocate, release,
 * extend, expire, recover stale claims, record charges — called by the controller, the jobs and the event
 * handler; the steps they share (EndAllocations, AllocationEventsPublisher, AllocationEntitlements)
 * and the upkeep (AllocationStatistics, AllocationHistory) beside them. Reservations (reservations/)
 * belong here too: their slots are rows of the same table, under the same constraint; and so does the
 * priority queue (queue/), whose entries become allocations through the allocate use case.
 */
@Module({
  imports: [DevicesModule, NodesModule, AccessModule, UsageReportsModule, PlatformServicesModule],
  controllers: [
    AllocationsController,
    AllocationExtensionsController,
    AllocationBatchController,
    ...RESERVATION_CONTROLLERS,
    ...QUEUE_CONTROLLERS,
  ],
  providers: [
    AllocationsRepository,
    AllocationTransitionsRepository,
    AllocationHistoryRepository,
    AllocationExtensionsRepository,
    AllocationStatsRepository,
    AllocationEventsPublisher,
    AllocationEntitlements,
    EndAllocations,
    AllocateDeviceUseCase,
    AllocationAdmission,
    PlacementChoices,
    PlacementRepository,
    ExplainPlacementUseCase,
    ReleaseAllocationUseCase,
    UserTiers,
    ExtendAllocationUseCase,
    AllocationBatchUseCase,
    ExpireAllocationsUseCase,
    RecoverStaleClaimsUseCase,
    AllocationStatistics,
    AllocationHistory,
    AllocationQueryService,
    BillingEventsHandler,
    DeviceEventsHandler,
    AllocationFailoverRepository,
    FailoverAllocationUseCase,
    UserEventsHandler,
    ExpireAllocationsJob,
    WarnExpiringAllocationsJob,
    RecoverStaleClaimsJob,
    AllocationStatsSnapshotJob,
    AllocationHistoryCleanupJob,
    AllocationMetricsJob,
    ...RESERVATION_PROVIDERS,
    ...QUEUE_PROVIDERS,
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

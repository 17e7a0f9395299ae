import { Injectable } from '@nestjs/common';
import { ClusterSafeCron } from '../cron/cluster-safe-cron.decorator';
import type { CronRunContext } from '../cron/cron.types';
import { EventsMaintenanceService, type TrimResult } from './events-maintenance.service';

/**
 * Trims every service's outbox and inbox once a day (`EventsMaintenanceService.trimProcessed`).
 * EventsModule provides it, so each app has the job without code of its own; CRON_SCHEDULE_OVERRIDES
 * moves or disables it per deployment.
 */
@Injectable()
export class EventsHousekeepingJob {
  constructor(private readonly maintenance: EventsMaintenanceService) {}

  // Off-peak, and jittered so services sharing one Postgres server do not all trim in the same second.
  @ClusterSafeCron('30 3 * * *', { name: 'events-housekeeping', jitterMs: 30_000 })
  trim({ signal }: CronRunContext): Promise<TrimResult> {
    return this.maintenance.trimProcessed(signal);
  }
}

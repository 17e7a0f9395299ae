import { Module } from '@nestjs/common';
import { PoolStoreModule } from '../pool/pool-store.module';
import { ProviderVendorsModule } from '../providers/provider-vendors.module';
import { AllocationEventsHandler } from './events/allocation-events.handler';
import { OrphanProxyCleanupJob } from './jobs/orphan-proxy-cleanup.job';
import { ProxyUsageReportJob } from './jobs/proxy-usage-report.job';
import { StickySessionExpiryJob } from './jobs/sticky-session-expiry.job';
import { OrphanRentals } from './orphan-rentals.service';
import { RentalLifecycleModule } from './rental-lifecycle.module';
import { RentalUsageReports } from './rental-usage-reports.service';
import { RentalUsageRepository } from './rental-usage.repository';
import { RentalsController } from './rentals.controller';
import { RentalsService } from './rentals.service';

/** Renting proxies: the renter's routes, the allocation and user events, expiry, orphans and billing. */
@Module({
  imports: [RentalLifecycleModule, PoolStoreModule, ProviderVendorsModule],
  controllers: [RentalsController],
  providers: [
    RentalsService,
    RentalUsageRepository,
    RentalUsageReports,
    OrphanRentals,
    AllocationEventsHandler,
    StickySessionExpiryJob,
    OrphanProxyCleanupJob,
    ProxyUsageReportJob,
  ],
})
export class RentalsModule {}

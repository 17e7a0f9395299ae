import { Module } from '@nestjs/common';
import { PoolStoreModule } from '../pool/pool-store.module';
import { RentalLifecycleModule } from '../rentals/rental-lifecycle.module';
import { CostsController } from './costs.controller';
import { CostsService } from './costs.service';
import { ProxyCostMonitorJob } from './jobs/proxy-cost-monitor.job';
import { SpendRepository } from './spend.repository';

/** What proxies cost, against budgets, and the alerts about it. */
@Module({
  imports: [PoolStoreModule, RentalLifecycleModule],
  controllers: [CostsController],
  providers: [CostsService, SpendRepository, ProxyCostMonitorJob],
})
export class CostsModule {}

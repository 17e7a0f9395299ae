import { Module } from '@nestjs/common';
import { RentalLifecycleModule } from '../rentals/rental-lifecycle.module';
import { ProxyPoolMetricsJob } from './jobs/proxy-pool-metrics.job';
import { PoolStoreModule } from './pool-store.module';
import { PoolController } from './pool.controller';
import { PoolService } from './pool.service';

@Module({
  imports: [PoolStoreModule, RentalLifecycleModule],
  controllers: [PoolController],
  providers: [PoolService, ProxyPoolMetricsJob],
})
export class PoolModule {}

import { Module } from '@nestjs/common';
import { PoolStoreModule } from '../pool/pool-store.module';
import { ProviderRankingJob } from './jobs/provider-ranking.job';
import { ProviderVendorsModule } from './provider-vendors.module';
import { ProvidersController } from './providers.controller';
import { ProvidersService } from './providers.service';

@Module({
  imports: [PoolStoreModule, ProviderVendorsModule],
  controllers: [ProvidersController],
  providers: [ProvidersService, ProviderRankingJob],
})
export class ProvidersModule {}

import { Module } from '@nestjs/common';
import { ProxyPoolMetricsJob } from './jobs/proxy-pool-metrics.job';
import { ProxiesController } from './proxies.controller';
import { ProxiesRepository } from './proxies.repository';
import { ProxiesService } from './proxies.service';

@Module({
  controllers: [ProxiesController],
  providers: [ProxiesService, ProxiesRepository, ProxyPoolMetricsJob],
  exports: [ProxiesService],
})
export class ProxiesModule {}

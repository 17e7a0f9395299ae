import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProxyPoolMetricsJob } from './jobs/proxy-pool-metrics.job';
import { ProxyEntity } from './proxy.entity';
import { ProxiesController } from './proxies.controller';
import { ProxiesRepository } from './proxies.repository';
import { ProxiesService } from './proxies.service';

@Module({
  imports: [TypeOrmModule.forFeature([ProxyEntity])],
  controllers: [ProxiesController],
  providers: [ProxiesService, ProxiesRepository, ProxyPoolMetricsJob],
  exports: [ProxiesService],
})
export class ProxiesModule {}

import { Module } from '@nestjs/common';
import { PoolStoreModule } from '../pool/pool-store.module';
import { ProxyHealthProbeJob } from './jobs/proxy-health-probe.job';
import { ProxyQualityScoringJob } from './jobs/proxy-quality-scoring.job';
import { ProxyProber } from './proxy-prober.service';
import { QualityController } from './quality.controller';
import { QualityRepository } from './quality.repository';
import { QualityService } from './quality.service';

/** Probes through each proxy, rolling quality scores, quarantine. */
@Module({
  imports: [PoolStoreModule],
  controllers: [QualityController],
  providers: [QualityRepository, QualityService, ProxyProber, ProxyHealthProbeJob, ProxyQualityScoringJob],
})
export class QualityModule {}

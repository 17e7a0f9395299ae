import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices';
import { AutoscalePoolJob } from './autoscale/jobs/autoscale-pool.job';
import { PoolAutoscaleRepository } from './autoscale/pool-autoscale.repository';
import { PoolAutoscalerUseCase } from './autoscale/pool-autoscaler.use-case';
import { NodeResourceMonitorJob } from './jobs/node-resource-monitor.job';
import { NodesController } from './nodes.controller';
import { NodesRepository } from './nodes.repository';
import { NodesService } from './nodes.service';
import { PlacementSettingsService } from './placement-settings.service';
import { StrategiesController } from './strategies.controller';
import { StrategiesRepository } from './strategies.repository';
import { StrategiesService } from './strategies.service';

/** Nodes, placement strategies, and the placement settings the scheduler's claim reads. */
@Module({
  imports: [DevicesModule],
  controllers: [NodesController, StrategiesController],
  providers: [
    NodesRepository,
    NodesService,
    StrategiesRepository,
    StrategiesService,
    PlacementSettingsService,
    NodeResourceMonitorJob,
    PoolAutoscaleRepository,
    PoolAutoscalerUseCase,
    AutoscalePoolJob,
  ],
  exports: [PlacementSettingsService],
})
export class NodesModule {}

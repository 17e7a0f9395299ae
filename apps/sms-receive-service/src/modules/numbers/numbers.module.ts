import { Module } from '@nestjs/common';
import { NumberPoolMetricsJob } from './jobs/number-pool-metrics.job';
import { NumbersController } from './numbers.controller';
import { NumbersRepository } from './numbers.repository';
import { NumbersService } from './numbers.service';

@Module({
  controllers: [NumbersController],
  providers: [NumbersService, NumbersRepository, NumberPoolMetricsJob],
  exports: [NumbersService],
})
export class NumbersModule {}

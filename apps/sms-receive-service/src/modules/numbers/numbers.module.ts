import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NumberPoolMetricsJob } from './jobs/number-pool-metrics.job';
import { VirtualNumberEntity } from './virtual-number.entity';
import { NumbersController } from './numbers.controller';
import { NumbersRepository } from './numbers.repository';
import { NumbersService } from './numbers.service';

@Module({
  imports: [TypeOrmModule.forFeature([VirtualNumberEntity])],
  controllers: [NumbersController],
  providers: [NumbersService, NumbersRepository, NumberPoolMetricsJob],
  exports: [NumbersService],
})
export class NumbersModule {}

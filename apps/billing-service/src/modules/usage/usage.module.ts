import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts';
import { PricingModule } from '../pricing';
import { MeterRunningAllocationsJob } from './jobs/meter-running-allocations.job';
import { RunningAllocationsRepository } from './running-allocations.repository';
import { RunningAllocationsService } from './running-allocations.service';
import { UsageBatchRecorder } from './usage-batch.recorder';
import { UsageEventsPublisher } from './usage-events.publisher';
import { UsageController } from './usage.controller';
import { UsageRepository } from './usage.repository';
import { UsageSettlementRepository } from './usage-settlement.repository';
import { UsageService } from './usage.service';

@Module({
  imports: [AccountsModule, PricingModule],
  controllers: [UsageController],
  providers: [
    UsageService,
    UsageRepository,
    UsageBatchRecorder,
    UsageSettlementRepository,
    UsageEventsPublisher,
    RunningAllocationsService,
    RunningAllocationsRepository,
    MeterRunningAllocationsJob,
  ],
})
export class UsageModule {}

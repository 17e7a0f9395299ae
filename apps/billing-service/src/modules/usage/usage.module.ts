import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts';
import { PricingModule } from '../pricing';
import { UsageController } from './usage.controller';
import { UsageRepository } from './usage.repository';
import { UsageService } from './usage.service';

@Module({
  imports: [AccountsModule, PricingModule],
  controllers: [UsageController],
  providers: [UsageService, UsageRepository],
})
export class UsageModule {}

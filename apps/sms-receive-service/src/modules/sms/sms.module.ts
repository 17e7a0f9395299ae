import { Module } from '@nestjs/common';
import { MessagesController } from './messages/messages.controller';
import { MessagesRepository } from './messages/messages.repository';
import { MessagesService } from './messages/messages.service';
import { BlacklistRepository } from './numbers/blacklist.repository';
import { AllocationEventsHandler } from './numbers/events/allocation-events.handler';
import { BlacklistMaintenanceJob } from './numbers/jobs/blacklist-maintenance.job';
import { NumberExpiryJob } from './numbers/jobs/number-expiry.job';
import { NumberPoolRefillJob } from './numbers/jobs/number-pool-refill.job';
import { NumberPoolReleaseJob } from './numbers/jobs/number-pool-release.job';
import { SmsMessagePollingJob } from './numbers/jobs/sms-message-polling.job';
import { SmsMetricsJob } from './numbers/jobs/sms-metrics.job';
import { MessagePolling } from './numbers/message-polling.service';
import { NumberBlacklist } from './numbers/number-blacklist.service';
import { NumberEnding } from './numbers/number-ending.service';
import { NumberEventsPublisher } from './numbers/number-events.publisher';
import { NumberPool } from './numbers/number-pool.service';
import { NumberRenting } from './numbers/number-renting.service';
import { NumberStatsRepository } from './numbers/number-stats.repository';
import { NumbersController } from './numbers/numbers.controller';
import { NumbersRepository } from './numbers/numbers.repository';
import { NumbersService } from './numbers/numbers.service';
import { PollingRepository } from './numbers/polling.repository';
import { SmsProviderHealthJob } from './providers/jobs/sms-provider-health.job';
import { SmsProviderVendors } from './providers/provider-vendors.service';
import { SmsProvidersController } from './providers/sms-providers.controller';
import { SmsProvidersRepository } from './providers/sms-providers.repository';
import { SmsProvidersService } from './providers/sms-providers.service';

/**
 * Numbers for SMS codes: providers, renting (warm pool first), polling and codes, money, and the
 * jobs around them. The messages controller comes last: its `sms/:id` must follow every static path.
 */
@Module({
  controllers: [SmsProvidersController, NumbersController, MessagesController],
  providers: [
    SmsProvidersRepository,
    SmsProvidersService,
    SmsProviderVendors,
    SmsProviderHealthJob,
    NumbersRepository,
    PollingRepository,
    NumberStatsRepository,
    BlacklistRepository,
    MessagesRepository,
    NumberEventsPublisher,
    NumberEnding,
    NumberRenting,
    NumbersService,
    MessagePolling,
    NumberPool,
    NumberBlacklist,
    MessagesService,
    AllocationEventsHandler,
    SmsMessagePollingJob,
    NumberExpiryJob,
    NumberPoolRefillJob,
    NumberPoolReleaseJob,
    BlacklistMaintenanceJob,
    SmsMetricsJob,
  ],
})
export class SmsModule {}

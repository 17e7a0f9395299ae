import { Module } from '@nestjs/common';
import { PaymentProviderModule } from '../../integrations/payments';
import { AccountsModule } from '../accounts';
import { CouponsModule } from '../coupons';
import { PaymentTimeoutsJob } from './jobs/payment-timeouts.job';
import { PaymentEventsPublisher } from './payment-events.publisher';
import { PaymentMetrics } from './payment-metrics';
import { PaymentSettlementService } from './payment-settlement.service';
import { PaymentTimeoutsService } from './payment-timeouts.service';
import { PaymentWebhooksController } from './payment-webhooks.controller';
import { PaymentWebhooksService } from './payment-webhooks.service';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

/** Payments into users' accounts through a payment provider (docs/payments.md). */
@Module({
  imports: [AccountsModule, CouponsModule, PaymentProviderModule],
  controllers: [PaymentsController, PaymentWebhooksController],
  providers: [
    PaymentsService,
    PaymentSettlementService,
    PaymentWebhooksService,
    PaymentTimeoutsService,
    PaymentsRepository,
    PaymentEventsPublisher,
    PaymentMetrics,
    PaymentTimeoutsJob,
  ],
})
export class PaymentsModule {}

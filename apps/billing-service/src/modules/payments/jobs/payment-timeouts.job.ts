import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { PaymentTimeoutsService } from '../payment-timeouts.service';

const BATCH = 100;

/**
 * Payment timeouts: payments still open PAYMENT_TIMEOUT_MINUTES after their creation are settled
 * by asking their provider — credited if it took the money meanwhile, else cancelled there and
 * `expired` (their coupon released). Every step is a conditional update, so a webhook arriving at
 * the same moment, or an overlapping run, changes nothing twice.
 */
@Injectable()
export class PaymentTimeoutsJob {
  constructor(private readonly timeouts: PaymentTimeoutsService) {}

  @ClusterSafeCron('* * * * *', { name: 'payment-timeouts', maxRunMs: 55_000, jitterMs: 5000 })
  async run({ signal }: CronRunContext): Promise<void> {
    // One batch per tick: a provider call per payment, and failures are retried next minute.
    await this.timeouts.expireStale(BATCH, signal);
  }
}

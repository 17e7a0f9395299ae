import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Counter, Gauge } from 'prom-client';
import { CouponRedemptionsRepository } from '../coupon-redemptions.repository';
import { CouponsRepository } from '../coupons.repository';

/** A reservation open this long belongs to a payment that will not settle any more. */
const STALE_RESERVATION_SECONDS = 24 * 3600;
/** References named in the warning, oldest first. */
const STALE_SAMPLE = 10;

/**
 * Every five minutes: active coupons past their expiry become `expired` (one UPDATE), counted in
 * `cloudphone_billing_coupons_expired_total`. Reservations and validations already refuse a coupon
 * past its expiry by the clock, so this only keeps the status (and the admin list) truthful.
 *
 * Reservations still open after a day are reported (`cloudphone_billing_coupon_stale_reservations`,
 * a warning naming the oldest), not released: releasing belongs to the payment, which releases its
 * use when it fails or expires. Releasing here, behind the payment's back, would free a use whose
 * payment may still succeed, and the coupon could then be used once more than its limit allows.
 */
@Injectable()
export class ExpireCouponsJob {
  private readonly logger = new Logger('ExpireCouponsJob');
  private readonly expired: Counter;
  private readonly stale: Gauge;

  constructor(
    private readonly coupons: CouponsRepository,
    private readonly uses: CouponRedemptionsRepository,
    metrics: MetricsService,
  ) {
    this.expired = metrics.counter({
      name: 'cloudphone_billing_coupons_expired_total',
      help: 'Coupons marked expired by the expire-coupons job',
    });
    this.stale = metrics.gauge({
      name: 'cloudphone_billing_coupon_stale_reservations',
      help: 'Coupon redemptions reserved for more than a day, their payment unsettled (expire-coupons job)',
    });
  }

  @ClusterSafeCron('*/5 * * * *', { name: 'expire-coupons', maxRunMs: 60_000, jitterMs: 3000 })
  async run({ signal }: CronRunContext): Promise<void> {
    const expired = await this.coupons.expirePastDue();
    this.expired.inc(expired.length);
    if (expired.length > 0) {
      this.logger.log({ msg: 'Coupons expired', count: expired.length, codes: expired.map((c) => c.code) });
    }
    signal.throwIfAborted();
    const stale = await this.uses.findStaleReservations(STALE_RESERVATION_SECONDS, STALE_SAMPLE);
    this.stale.set(stale.count);
    if (stale.count > 0) {
      this.logger.warn({
        msg: 'Coupon uses reserved for more than a day: their payments never settled or never released them',
        count: stale.count,
        oldestReferences: stale.references,
      });
    }
  }
}

import { Module } from '@nestjs/common';
import { CouponCatalogService } from './coupon-catalog.service';
import { CouponRedemptionsRepository } from './coupon-redemptions.repository';
import { CouponsController } from './coupons.controller';
import { CouponsRepository } from './coupons.repository';
import { CouponsService } from './coupons.service';
import { ExpireCouponsJob } from './jobs/expire-coupons.job';

/** Coupons: admins define them, users preview them, payments reserve, confirm and release their uses. */
@Module({
  controllers: [CouponsController],
  providers: [
    CouponsService,
    CouponCatalogService,
    CouponsRepository,
    CouponRedemptionsRepository,
    ExpireCouponsJob,
  ],
  exports: [CouponsService],
})
export class CouponsModule {}

// What other billing modules may use of coupons: the module and the redemption API for payments.
export { CouponsModule } from './coupons.module';
export { CouponsService } from './coupons.service';
export type { CouponReservationRequest } from './coupon-reservation';

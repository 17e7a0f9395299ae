import { Injectable, Logger } from '@nestjs/common';
import type {
  CouponDetailResponse,
  CouponResponse,
  CreateCouponRequest,
  UpdateCouponRequest,
} from '@cloudphone/contracts';
import { type ListQuery, type Page, TransactionRunner } from '@cloudphone/shared';
import { changedCoupon, newCouponFrom } from './coupon-definition';
import { couponResponse, normalizeCouponCode } from './coupon-record';
import { CouponRedemptionsRepository } from './coupon-redemptions.repository';
import { CouponErrors } from './coupons.errors';
import { CouponsRepository } from './coupons.repository';

/** What admins do with coupons: create, list, read with redemption counts, change. */
@Injectable()
export class CouponCatalogService {
  private readonly logger = new Logger(CouponCatalogService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly coupons: CouponsRepository,
    private readonly uses: CouponRedemptionsRepository,
  ) {}

  /** Creates a coupon; 409 COUPON_CODE_TAKEN if its code (in any case) exists. */
  async create(request: CreateCouponRequest, adminId: string): Promise<CouponResponse> {
    const created = await this.coupons.insert(newCouponFrom(request, adminId, new Date()));
    if (!created) throw CouponErrors.codeTaken(normalizeCouponCode(request.code));
    this.logger.log({
      msg: 'Coupon created',
      couponId: created.id,
      code: created.code,
      kind: created.kind,
      adminId,
    });
    return couponResponse(created);
  }

  async list(query: ListQuery): Promise<Page<CouponResponse>> {
    // Codes are stored in upper case; the filter matches them in any case, as a user would type it.
    const filters = query.filters.map((filter) =>
      filter.name === 'code' && typeof filter.value === 'string'
        ? { ...filter, value: normalizeCouponCode(filter.value) }
        : filter,
    );
    const page = await this.coupons.list({ ...query, filters });
    return { ...page, items: page.items.map(couponResponse) };
  }

  async get(id: string): Promise<CouponDetailResponse> {
    const coupon = await this.coupons.findById(id);
    if (!coupon) throw CouponErrors.notFoundById(id);
    return { ...couponResponse(coupon), redemptions: await this.uses.countByStatus(id) };
  }

  /**
   * Changes a coupon under its row lock, so a limit is compared with the count no reservation can
   * change meanwhile (reservations take the same lock).
   */
  async update(id: string, request: UpdateCouponRequest, adminId: string): Promise<CouponResponse> {
    const updated = await this.transactions.run(async () => {
      const locked = await this.coupons.lockById(id);
      if (!locked) throw CouponErrors.notFoundById(id);
      return this.coupons.update(changedCoupon(locked.coupon, request, locked.now));
    });
    this.logger.log({
      msg: 'Coupon changed',
      couponId: id,
      code: updated.code,
      status: updated.status,
      fields: Object.keys(request),
      adminId,
    });
    return couponResponse(updated);
  }
}

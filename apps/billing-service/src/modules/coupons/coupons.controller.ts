import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BILLING_ROUTES,
  CouponDetailResponse,
  CouponResponse,
  CouponValidationResponse,
  CreateCouponRequest,
  IdParams,
  UpdateCouponRequest,
  ValidateCouponRequest,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  ListQueryParam,
  RateLimit,
  RequireRoles,
  type ListQuery,
  type Page,
  type Principal,
  type UserPrincipal,
} from '@cloudphone/shared';
import { CouponCatalogService } from './coupon-catalog.service';
import { CouponsService } from './coupons.service';
import { COUPONS_LIST_QUERY } from './coupons.list-query';

@ApiCommonErrors()
@ApiTags('coupons')
@ApiBearerAuth()
@Controller()
export class CouponsController {
  constructor(
    private readonly catalog: CouponCatalogService,
    private readonly coupons: CouponsService,
  ) {}

  @Post(BILLING_ROUTES.coupons)
  @HttpCode(200)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Create a coupon (admin)' })
  @ApiOkResponse({ type: CouponResponse })
  @ApiErrorResponses({ 409: ['COUPON_CODE_TAKEN'] })
  create(
    @Body() request: CreateCouponRequest,
    @CurrentPrincipal() admin: UserPrincipal,
  ): Promise<CouponResponse> {
    return this.catalog.create(request, admin.userId);
  }

  @Get(BILLING_ROUTES.coupons)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'List coupons (admin)' })
  @ApiListQuery(COUPONS_LIST_QUERY)
  @ApiPaginatedResponse(CouponResponse)
  list(@ListQueryParam(COUPONS_LIST_QUERY) query: ListQuery): Promise<Page<CouponResponse>> {
    return this.catalog.list(query);
  }

  @Get(BILLING_ROUTES.coupon)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'A coupon with its redemptions by status (admin)' })
  @ApiOkResponse({ type: CouponDetailResponse })
  @ApiErrorResponses({ 404: ['COUPON_NOT_FOUND'] })
  get(@Param() params: IdParams): Promise<CouponDetailResponse> {
    return this.catalog.get(params.id);
  }

  @Patch(BILLING_ROUTES.coupon)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Enable or disable a coupon, change its limits or window (admin)' })
  @ApiOkResponse({ type: CouponResponse })
  @ApiErrorResponses({ 404: ['COUPON_NOT_FOUND'], 409: ['COUPON_LIMIT_BELOW_COUNT', 'COUPON_EXPIRED'] })
  update(
    @Param() params: IdParams,
    @Body() request: UpdateCouponRequest,
    @CurrentPrincipal() admin: UserPrincipal,
  ): Promise<CouponResponse> {
    return this.catalog.update(params.id, request, admin.userId);
  }

  @Post(BILLING_ROUTES.couponValidate)
  @HttpCode(200)
  @ApiKeyScope('billing', 'read')
  // A preview answers whether a code exists: bounded per user so codes cannot be guessed by the thousand.
  @RateLimit({ points: 30, windowMs: 60_000 })
  @ApiOperation({ summary: 'Would this coupon apply to a payment of this amount by me? (read-only)' })
  @ApiOkResponse({ type: CouponValidationResponse })
  validate(
    @Body() request: ValidateCouponRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CouponValidationResponse> {
    return this.coupons.validate(principal, request);
  }
}

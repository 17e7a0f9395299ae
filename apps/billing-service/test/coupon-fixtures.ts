import { randomUUID } from 'node:crypto';
import type { CouponResponse, CreateCouponRequest } from '@cloudphone/contracts';
import {
  bootstrapService,
  loadConfig,
  MetricsService,
  type RunningService,
  TransactionRunner,
} from '@cloudphone/shared';
import { createTestSecrets, gaugeValues, serviceEnvironment } from '@cloudphone/shared/testing';
import { AppModule } from '../src/app.module';
import { BillingServiceConfig } from '../src/config/billing-service.config';
import { CouponsService } from '../src/modules/coupons';
import type { BillingTestApp } from './billing-test-app';

/** A unique coupon code (the test run's, upper case as billing stores it). */
export function couponCode(prefix = 'T'): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 12)}`.toUpperCase();
}

/** Creates a coupon as an admin and answers it (default: 25 % off, no limits but 1 per user). */
export async function createCoupon(
  app: BillingTestApp,
  overrides: Partial<CreateCouponRequest> = {},
): Promise<CouponResponse> {
  const response = await app.http
    .post('/billing/coupons')
    .set('Authorization', `Bearer ${app.tokens.admin()}`)
    .send({ code: couponCode(), kind: 'percentage', percentBp: 2500, ...overrides });
  if (response.status !== 200) throw new Error(`coupon not created: ${response.status} ${response.text}`);
  return response.body as CouponResponse;
}

/** The coupon's count and its redemptions by status, read straight from the database. */
export async function couponState(
  app: BillingTestApp,
  couponId: string,
): Promise<{ redeemedCount: number; reserved: number; confirmed: number; released: number }> {
  const [row] = await app.db.query<Record<string, string>>(
    `SELECT c.redeemed_count,
            count(r.id) FILTER (WHERE r.status = 'reserved') AS reserved,
            count(r.id) FILTER (WHERE r.status = 'confirmed') AS confirmed,
            count(r.id) FILTER (WHERE r.status = 'released') AS released
     FROM coupons c LEFT JOIN coupon_redemptions r ON r.coupon_id = c.id
     WHERE c.id = $1 GROUP BY c.id`,
    [couponId],
  );
  return {
    redeemedCount: Number(row.redeemed_count),
    reserved: Number(row.reserved),
    confirmed: Number(row.confirmed),
    released: Number(row.released),
  };
}

export async function couponRowCounts(
  app: BillingTestApp,
): Promise<{ coupons: number; redemptions: number }> {
  const [row] = await app.db.query<{ coupons: string; redemptions: string }>(
    `SELECT (SELECT count(*) FROM coupons) AS coupons, (SELECT count(*) FROM coupon_redemptions) AS redemptions`,
  );
  return { coupons: Number(row.coupons), redemptions: Number(row.redemptions) };
}

/** A counter's value for one `result` label (0 when never counted). */
export async function counterValue(app: BillingTestApp, name: string, labels: Record<string, string> = {}) {
  const values = await gaugeValues(app.service.app.get(MetricsService), name);
  return values
    .filter(({ labels: own }) => Object.entries(labels).every(([key, value]) => own[key] === value))
    .reduce((sum, { value }) => sum + value, 0);
}

/** What the payments module holds of billing: the coupon API and the transaction runner. */
export interface CouponCaller {
  coupons: CouponsService;
  transactions: TransactionRunner;
}

export function callerOf(service: RunningService): CouponCaller {
  return { coupons: service.app.get(CouponsService), transactions: service.app.get(TransactionRunner) };
}

/**
 * A second billing-service replica in this process on the same database and messaging namespace
 * (so the first app's cleanup removes the consumer queues they share), with a pool of its own: its
 * transactions race the first app's as another process's would.
 */
export async function startReplica(databaseUrl: string, namespace: string): Promise<RunningService> {
  const config = loadConfig(
    BillingServiceConfig,
    serviceEnvironment({
      databaseUrl,
      messagingNamespace: namespace,
      secrets: createTestSecrets(),
      overrides: { LOG_LEVEL: 'error', DATABASE_POOL_SIZE: '12' },
    }),
  );
  return bootstrapService({
    rootModule: AppModule.forRoot(config),
    config,
    port: 0,
    description: 'billing-service replica under test',
    ownsProcess: false,
  });
}

/** A new payment reference, as the payments module makes them. */
export function paymentReference(): string {
  return `payment:${randomUUID()}`;
}

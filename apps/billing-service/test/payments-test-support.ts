import { randomUUID } from 'node:crypto';
import type { PaymentCreateResponse } from '@cloudphone/contracts';
import type { BillingTestApp } from './billing-test-app';
import { PaymentTimeoutsService } from '../src/modules/payments/payment-timeouts.service';

/** Everything a payment request may write, to prove a refused one wrote nothing. */
export interface PaymentsSnapshot {
  payments: Array<{ id: string; status: string }>;
  webhookEvents: number;
  ledgerEntries: number;
  accounts: Array<{ user_id: string; balance_minor: string }>;
  outbox: number;
  couponRedemptions: number;
}

export async function createPayment(
  app: BillingTestApp,
  userId: string,
  body: Record<string, unknown>,
): Promise<PaymentCreateResponse> {
  const response = await app.http
    .post('/billing/payments')
    .set('Authorization', `Bearer ${app.tokens.user({ userId })}`)
    .send(body);
  if (response.status !== 201) throw new Error(`payment not created: ${response.status} ${response.text}`);
  return response.body as PaymentCreateResponse;
}

export async function paymentRow(
  app: BillingTestApp,
  id: string,
): Promise<{
  status: string;
  provider_payment_id: string | null;
  failure_code: string | null;
  settled_at: Date | null;
}> {
  const [row] = await app.db.query<{
    status: string;
    provider_payment_id: string | null;
    failure_code: string | null;
    settled_at: Date | null;
  }>('SELECT status, provider_payment_id, failure_code, settled_at FROM payments WHERE id = $1', [id]);
  return row;
}

/** The ledger entries crediting payment `id` (there must never be more than one). */
export async function creditsOf(app: BillingTestApp, id: string): Promise<number> {
  const [row] = await app.db.query<{ count: string }>(
    `SELECT count(*) AS count FROM ledger_entries WHERE kind = 'top_up' AND reference = $1`,
    [`payment:${id}`],
  );
  return Number(row.count);
}

export async function snapshot(app: BillingTestApp): Promise<PaymentsSnapshot> {
  const count = async (table: string) =>
    Number((await app.db.query<{ count: string }>(`SELECT count(*) AS count FROM ${table}`))[0].count);
  return {
    payments: await app.db.query('SELECT id, status FROM payments ORDER BY id'),
    webhookEvents: await count('payment_webhook_events'),
    ledgerEntries: await count('ledger_entries'),
    accounts: await app.db.query('SELECT user_id, balance_minor FROM accounts ORDER BY user_id'),
    outbox: await count('outbox'),
    couponRedemptions: await count('coupon_redemptions'),
  };
}

/** Makes payment `id` look `minutes` old, so the payment-timeouts job takes it. */
export async function age(app: BillingTestApp, id: string, minutes: number): Promise<void> {
  await app.db.query(`UPDATE payments SET created_at = now() - make_interval(mins => $2) WHERE id = $1`, [
    id,
    minutes,
  ]);
}

/** One run of the payment-timeouts job's work. */
export function runPaymentTimeouts(app: BillingTestApp) {
  return app.service.app.get(PaymentTimeoutsService).expireStale(100);
}

/** Creates a percentage coupon as an admin; answers its code. */
export async function percentCoupon(app: BillingTestApp, percentBp: number): Promise<string> {
  const code = `PAY${randomUUID().replace(/-/g, '').slice(0, 12)}`.toUpperCase();
  const response = await app.http
    .post('/billing/coupons')
    .set('Authorization', `Bearer ${app.tokens.admin()}`)
    .send({ code, kind: 'percentage', percentBp });
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`coupon not created: ${response.status} ${response.text}`);
  }
  return code;
}

export async function redemptionStatus(app: BillingTestApp, paymentId: string): Promise<string | null> {
  const rows = await app.db.query<{ status: string }>(
    'SELECT status FROM coupon_redemptions WHERE reference = $1',
    [`payment:${paymentId}`],
  );
  return rows[0]?.status ?? null;
}

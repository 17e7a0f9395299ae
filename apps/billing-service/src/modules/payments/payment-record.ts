import type { PaymentProviderKind, PaymentResponse, PaymentStatus } from '@cloudphone/contracts';

/** A row of `payments`: one payment a user started, and where it stands. */
export interface PaymentRecord {
  id: string;
  userId: string;
  tenantId: string;
  provider: PaymentProviderKind;
  /** The provider's id; null until its create answered. */
  providerPaymentId: string | null;
  /** What the account is credited. */
  amountMinor: bigint;
  /** What the payer is charged: amountMinor less the coupon's discount. */
  chargedMinor: bigint;
  currency: string;
  status: PaymentStatus;
  /** Upper case, as coupons keeps codes. */
  couponCode: string | null;
  failureCode: string | null;
  createdAt: Date;
  updatedAt: Date;
  settledAt: Date | null;
}

/** A payment moved from one status to another by a conditional update. */
export interface PaymentTransition {
  payment: PaymentRecord;
  previousStatus: PaymentStatus;
}

/** The ledger reference of a payment's credit, and the coupon redemption's: unique per payment. */
export function paymentReference(paymentId: string): string {
  return `payment:${paymentId}`;
}

export function toPaymentResponse(payment: PaymentRecord): PaymentResponse {
  return {
    id: payment.id,
    userId: payment.userId,
    status: payment.status,
    amountMinor: payment.amountMinor.toString(),
    chargedMinor: payment.chargedMinor.toString(),
    currency: payment.currency,
    provider: payment.provider,
    couponCode: payment.couponCode,
    failureCode: payment.failureCode,
    createdAt: payment.createdAt.toISOString(),
    settledAt: payment.settledAt === null ? null : payment.settledAt.toISOString(),
  };
}

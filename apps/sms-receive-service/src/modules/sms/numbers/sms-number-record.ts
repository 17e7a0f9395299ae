import type { SmsNumberEndReason, SmsNumberStatus } from '@cloudphone/contracts';

/** A row of `sms_numbers`: one number rented at a provider for one service. */
export interface SmsNumberRecord {
  id: string;
  provider: string;
  activationId: string;
  phoneNumber: string;
  countryCode: string;
  service: string;
  status: SmsNumberStatus;
  userId: string | null;
  tenantId: string | null;
  allocationId: string | null;
  costMinor: bigint;
  costCurrency: string;
  priceMinor: bigint;
  currency: string;
  expiresAt: Date;
  assignedAt: Date | null;
  code: string | null;
  codeReceivedAt: Date | null;
  endedAt: Date | null;
  endReason: SmsNumberEndReason | null;
  chargedAt: Date | null;
  providerSettledAt: Date | null;
  lastPolledAt: Date | null;
  createdAt: Date;
}

/** A number a provider just rented us, about to be stored. */
export interface NewSmsNumber {
  provider: string;
  activationId: string;
  phoneNumber: string;
  countryCode: string;
  service: string;
  costMinor: bigint;
  costCurrency: string;
  expiresAt: Date;
}

/** Who gets a number, at what price. */
export interface NumberHolder {
  userId: string;
  tenantId: string;
  allocationId: string | null;
  priceMinor: bigint;
  currency: string;
}

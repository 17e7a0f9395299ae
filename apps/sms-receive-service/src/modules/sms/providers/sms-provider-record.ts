import type { SmsProviderKind } from '@cloudphone/contracts';

/** A row of `sms_providers`. */
export interface SmsProviderRecord {
  id: string;
  name: string;
  kind: SmsProviderKind;
  enabled: boolean;
  apiUrl: string | null;
  apiKeyEncrypted: string | null;
  healthy: boolean;
  consecutiveHealthFailures: number;
  lastHealthAt: Date | null;
  lastHealthError: string | null;
  balanceMinor: bigint | null;
  balanceCurrency: string | null;
  blockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

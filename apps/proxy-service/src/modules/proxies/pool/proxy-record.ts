import type { ProxyProtocol, ProxyStatus, ProxyType } from '@cloudphone/contracts';

/** A row of `proxies`: one exit endpoint bought from a provider. Credentials stay encrypted here. */
export interface ProxyRecord {
  id: string;
  provider: string;
  host: string;
  port: number;
  protocol: ProxyProtocol;
  countryCode: string;
  city: string | null;
  type: ProxyType;
  status: ProxyStatus;
  qualityScore: number;
  costPerHourMicros: bigint;
  costPerGbMicros: bigint;
  usernameEncrypted: string | null;
  passwordEncrypted: string | null;
  externalId: string | null;
  consecutiveFailures: number;
  quarantinedUntil: Date | null;
  lastProbeAt: Date | null;
  lastProbeOk: boolean | null;
  lastLatencyMs: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a new proxy row needs (credentials already encrypted). */
export interface NewProxy {
  provider: string;
  host: string;
  port: number;
  protocol: ProxyProtocol;
  countryCode: string;
  city: string | null;
  type: ProxyType;
  costPerHourMicros: bigint;
  costPerGbMicros: bigint;
  usernameEncrypted: string | null;
  passwordEncrypted: string | null;
  externalId: string | null;
}

/** The fields an admin update may change (undefined: unchanged). */
export interface ProxyChanges {
  city?: string;
  costPerHourMicros?: bigint;
  costPerGbMicros?: bigint;
  usernameEncrypted?: string;
  passwordEncrypted?: string;
}

import type { ProxyProtocol, ProxyRentalEndReason, ProxyType } from '@cloudphone/contracts';

/** A rental with the proxy it holds (what every rental answer and event needs). */
export interface RentalRecord {
  id: string;
  proxyId: string;
  provider: string;
  userId: string;
  tenantId: string;
  allocationId: string | null;
  startedAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endReason: ProxyRentalEndReason | null;
  pricePerHourMicros: bigint;
  pricePerGbMicros: bigint;
  costPerHourMicros: bigint;
  costPerGbMicros: bigint;
  currency: string;
  bytesUsed: bigint | null;
  chargedMinor: bigint | null;
  usageReportedAt: Date | null;
  // The proxy's side, joined.
  host: string;
  port: number;
  protocol: ProxyProtocol;
  countryCode: string;
  city: string | null;
  type: ProxyType;
  usernameEncrypted: string | null;
  passwordEncrypted: string | null;
  externalId: string | null;
}

/** What an acquire asks for. */
export interface RentalRequirements {
  countryCode: string;
  type: ProxyType | null;
  protocol: ProxyProtocol | null;
  city: string | null;
}

/** Who rents, for how long, bound to what, at which markup and currency. */
export interface RentalTerms {
  userId: string;
  tenantId: string;
  allocationId: string | null;
  stickyMinutes: number;
  markupPercent: number;
  currency: string;
}

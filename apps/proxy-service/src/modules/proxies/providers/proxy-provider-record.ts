import type { ProxyProviderKind } from '@cloudphone/contracts';

/** A row of `proxy_providers`: where proxies come from, and what they cost by default. */
export interface ProxyProviderRecord {
  id: string;
  name: string;
  kind: ProxyProviderKind;
  enabled: boolean;
  apiUrl: string | null;
  apiKeyEncrypted: string | null;
  defaultCostPerHourMicros: bigint;
  defaultCostPerGbMicros: bigint;
  dailyBudgetMicros: bigint | null;
  qualityScore: number;
  rank: number | null;
  lastImportedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Fields of a new provider (the API key already encrypted). */
export interface NewProxyProvider {
  name: string;
  kind: ProxyProviderKind;
  apiUrl: string | null;
  apiKeyEncrypted: string | null;
  defaultCostPerHourMicros: bigint;
  defaultCostPerGbMicros: bigint;
  dailyBudgetMicros: bigint | null;
}

/** An update: undefined leaves a field as it is; a null daily budget falls back to the default. */
export interface ProxyProviderChanges {
  apiUrl?: string;
  apiKeyEncrypted?: string;
  defaultCostPerHourMicros?: bigint;
  defaultCostPerGbMicros?: bigint;
  dailyBudgetMicros?: bigint | null;
}

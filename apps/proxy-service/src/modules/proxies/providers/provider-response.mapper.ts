import type { ProxyProviderResponse } from '@cloudphone/contracts';
import type { ProxyProviderRecord } from './proxy-provider-record';

/** The API's view of a provider: never the key, only whether there is one. */
export function providerResponse(provider: ProxyProviderRecord): ProxyProviderResponse {
  return {
    id: provider.id,
    name: provider.name,
    kind: provider.kind,
    enabled: provider.enabled,
    apiUrl: provider.apiUrl,
    hasApiKey: provider.apiKeyEncrypted !== null,
    defaultCostPerHourMicros: provider.defaultCostPerHourMicros.toString(),
    defaultCostPerGbMicros: provider.defaultCostPerGbMicros.toString(),
    dailyBudgetMicros: provider.dailyBudgetMicros?.toString() ?? null,
    qualityScore: provider.qualityScore,
    rank: provider.rank,
    lastImportedAt: provider.lastImportedAt?.toISOString() ?? null,
    createdAt: provider.createdAt.toISOString(),
    updatedAt: provider.updatedAt.toISOString(),
  };
}

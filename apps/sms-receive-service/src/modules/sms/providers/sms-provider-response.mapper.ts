import type { SmsProviderResponse } from '@cloudphone/contracts';
import type { SmsProviderRecord } from './sms-provider-record';

/** The API's view of a provider: never the key, only whether there is one. */
export function smsProviderResponse(provider: SmsProviderRecord): SmsProviderResponse {
  return {
    id: provider.id,
    name: provider.name,
    kind: provider.kind,
    enabled: provider.enabled,
    apiUrl: provider.apiUrl,
    hasApiKey: provider.apiKeyEncrypted !== null,
    healthy: provider.healthy,
    lastHealthAt: provider.lastHealthAt?.toISOString() ?? null,
    lastHealthError: provider.lastHealthError,
    balanceMinor: provider.balanceMinor?.toString() ?? null,
    balanceCurrency: provider.balanceCurrency,
    blockedUntil: provider.blockedUntil?.toISOString() ?? null,
    createdAt: provider.createdAt.toISOString(),
    updatedAt: provider.updatedAt.toISOString(),
  };
}

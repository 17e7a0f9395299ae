import type { ApiKeyResponse } from '@cloudphone/contracts';
import type { ApiKeyRecord } from './api-key-record';

/** A key as its owner sees it in lists: its prefix, never the key or its hash. */
export function toApiKeyResponse(key: ApiKeyRecord): ApiKeyResponse {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}

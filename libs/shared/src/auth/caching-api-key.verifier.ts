import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { type ApiKeyGrant, apiKeyPrincipal, type ApiKeyVerifier } from './api-key-verifier';
import type { UserPrincipal } from './principal';

export interface ApiKeyCacheOptions {
  /** How long a valid key's answer is reused: the longest a revocation takes to be seen here. */
  validTtlMs: number;
  /** How long an invalid key's answer is reused, so a flood of bad keys is not a flood of lookups. */
  invalidTtlMs: number;
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * An ApiKeyVerifier over a remote lookup, remembering each answer per process: valid keys for
 * `validTtlMs` (never past the key's own expiry), invalid ones for `invalidTtlMs`. Entries are keyed
 * by the key's SHA-256, so the process never keeps a usable key in memory, and concurrent requests
 * with the same key share one lookup. A lookup that fails (user-service unavailable) is not
 * remembered: the next request asks again.
 */
export class CachingApiKeyVerifier implements ApiKeyVerifier {
  private readonly answers: LRUCache<string, { principal: UserPrincipal | null }>;
  private readonly inFlight = new Map<string, Promise<UserPrincipal | null>>();

  constructor(
    private readonly lookup: (key: string) => Promise<ApiKeyGrant | null>,
    private readonly options: ApiKeyCacheOptions,
  ) {
    this.answers = new LRUCache({ max: options.maxEntries ?? DEFAULT_MAX_ENTRIES });
  }

  verify(key: string): Promise<UserPrincipal | null> {
    const id = createHash('sha256').update(key).digest('base64url');
    const cached = this.answers.get(id);
    if (cached) return Promise.resolve(cached.principal);
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const loading = this.load(id, key).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, loading);
    return loading;
  }

  private async load(id: string, key: string): Promise<UserPrincipal | null> {
    const grant = await this.lookup(key);
    const principal = grant ? apiKeyPrincipal(grant) : null;
    const ttl = grant
      ? Math.min(this.options.validTtlMs, msUntil(grant.expiresAt))
      : this.options.invalidTtlMs;
    if (ttl >= 1) this.answers.set(id, { principal }, { ttl: Math.floor(ttl) });
    return principal;
  }
}

function msUntil(expiresAt: string | null): number {
  return expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(expiresAt) - Date.now();
}

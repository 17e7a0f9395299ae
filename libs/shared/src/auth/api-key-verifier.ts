import type { ApiKeyIntrospectionResponse } from '@cloudphone/contracts';
import { ADMIN_ROLE, type UserPrincipal } from './principal';

/** Injection token of the process's ApiKeyVerifier (InfrastructureModule provides one). */
export const API_KEY_VERIFIER = 'cloudphone:api-key-verifier';

/** Who a valid key acts for, as user-service's introspection answers it. */
export type ApiKeyGrant = Pick<
  ApiKeyIntrospectionResponse,
  'keyId' | 'userId' | 'tenantId' | 'roles' | 'scopes'
> & {
  expiresAt: string | null;
};

/**
 * Turns an API key (a bearer token starting with `cpk_`) into the principal it acts as. Every
 * service but user-service asks user-service over HTTP and remembers the answers for a while;
 * user-service, which owns the keys, looks them up in its own database.
 */
export interface ApiKeyVerifier {
  /**
   * The key's principal, or null when the key does not act for anyone (unknown, revoked, expired,
   * or its owner is not active). Throws an AppError (503) when that cannot be known right now.
   */
  verify(key: string): Promise<UserPrincipal | null>;
}

/**
 * The principal a grant stands for: its owner without the admin role (stripped here too, whatever
 * the grant says), limited to the key's scopes. Frozen: a cached principal answers many requests.
 */
export function apiKeyPrincipal(grant: ApiKeyGrant): UserPrincipal {
  return Object.freeze({
    kind: 'user',
    userId: grant.userId,
    roles: Object.freeze(grant.roles.filter((role) => role !== ADMIN_ROLE)) as string[],
    tenantId: grant.tenantId,
    apiKey: Object.freeze({ id: grant.keyId, scopes: Object.freeze([...grant.scopes]) }),
  });
}

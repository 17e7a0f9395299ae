/** Who is making a request: an end user (from a user JWT) or another service (service token). */
export type Principal = UserPrincipal | ServicePrincipal;

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  roles: string[];
  tenantId: string | null;
  /**
   * Set when the request came with an API key instead of a JWT: the key acts as its owner, without
   * the admin role, and only on routes whose area its scopes cover (@ApiKeyScope).
   */
  apiKey?: { id: string; scopes: readonly string[] };
}

export interface ServicePrincipal {
  kind: 'service';
  service: string;
}

export const ADMIN_ROLE = 'admin';

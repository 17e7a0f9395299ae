/** Who is making a request: an end user (from a user JWT) or another service (service token). */
export type Principal = UserPrincipal | ServicePrincipal;

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  roles: string[];
  tenantId: string | null;
}

export interface ServicePrincipal {
  kind: 'service';
  service: string;
}

export const ADMIN_ROLE = 'admin';

/** True for an admin user or any service: both may act on behalf of another user. */
export function actsForOthers(principal: Principal): boolean {
  return principal.kind === 'service' || principal.roles.includes(ADMIN_ROLE);
}

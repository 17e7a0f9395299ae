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

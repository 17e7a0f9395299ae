import { ADMIN_ROLE, type Principal } from './principal';

/**
 * How a caller stands toward user X: X themself, an admin acting for X, another service (trusted to
 * act for any user), or a stranger. The one rule behind every "may this caller act for user X".
 */
export type Standing = 'self' | 'admin' | 'service' | 'stranger';

export function standingToward(principal: Principal, userId: string): Standing {
  if (principal.kind === 'service') return 'service';
  if (principal.userId === userId) return 'self';
  return principal.roles.includes(ADMIN_ROLE) ? 'admin' : 'stranger';
}

/** Self, an admin or a service may act for user X; nobody else. */
export function mayActFor(principal: Principal, userId: string): boolean {
  return standingToward(principal, userId) !== 'stranger';
}

/** Throws the module's own refusal (e.g. `AccountErrors.otherUsersAccount`) unless `mayActFor`. */
export function assertMayActFor(principal: Principal, userId: string, refusal: () => Error): void {
  if (!mayActFor(principal, userId)) throw refusal();
}

/** Whether the caller may see or act on every user's records (lists without an owner filter). */
export function actsForEveryone(principal: Principal): boolean {
  return principal.kind === 'service' || principal.roles.includes(ADMIN_ROLE);
}

/**
 * The owner a list is restricted to. A plain user's list is always their own (naming another user
 * is refused); an admin or a service lists everyone's, or the one user they name.
 */
export function listOwnerFor(
  principal: Principal,
  requested: string | undefined,
  refusal: () => Error,
): string | undefined {
  if (actsForEveryone(principal)) return requested;
  const own = principal.kind === 'user' ? principal.userId : undefined;
  if (requested !== undefined && requested !== own) throw refusal();
  return own;
}

/** Who did something, for audit fields and logs: the user id, or `service:<name>`. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.userId : `service:${principal.service}`;
}

/** The user (and tenant) a request is made for. */
export interface ActingSubject {
  userId: string;
  tenantId: string;
}

const DEFAULT_TENANT = 'default';

/**
 * Who a request acts for, from the token: a user acts for themself in their tenant; an admin may
 * name another user or tenant; a service must name the user. A body's `userId`/`tenantId` count
 * only for admins and services (`refusals.actingForOthers` otherwise).
 */
export function actingSubject(
  principal: Principal,
  request: { userId?: string; tenantId?: string },
  refusals: { userRequired: () => Error; actingForOthers: () => Error },
): ActingSubject {
  if (principal.kind === 'service') {
    if (!request.userId) throw refusals.userRequired();
    return { userId: request.userId, tenantId: request.tenantId ?? DEFAULT_TENANT };
  }
  const ownTenant = principal.tenantId ?? DEFAULT_TENANT;
  const userId = request.userId ?? principal.userId;
  const tenantId = request.tenantId ?? ownTenant;
  if (!actsForEveryone(principal) && (!mayActFor(principal, userId) || tenantId !== ownTenant)) {
    throw refusals.actingForOthers();
  }
  return { userId, tenantId };
}

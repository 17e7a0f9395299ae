import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'cloudphone:public-route';
export const REQUIRED_ROLES = 'cloudphone:required-roles';
export const SERVICE_TOKENS = 'cloudphone:service-tokens';

export type ServiceTokenPolicy = 'allowed' | 'only';

/** Users with any of these roles may call the route; service tokens only with @AllowServiceTokens(). */
export const RequireRoles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

/** Lets a service token through a route restricted with @RequireRoles. */
export const AllowServiceTokens = () => SetMetadata(SERVICE_TOKENS, 'allowed' satisfies ServiceTokenPolicy);

/** Only other services may call the route (internal APIs such as quota usage reports). */
export const ServiceTokenOnly = () => SetMetadata(SERVICE_TOKENS, 'only' satisfies ServiceTokenPolicy);

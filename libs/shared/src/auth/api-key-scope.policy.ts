import type { ApiKeyScope } from '@cloudphone/contracts';
import type { ApiKeyRouteScope } from './api-key-scope.decorator';

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * The scope an API key needs to call a route, or null when the route is closed to keys (it names
 * no area). GET and HEAD read; every other method writes, unless the route says it only reads.
 */
export function requiredApiKeyScope(route: ApiKeyRouteScope | undefined, method: string): ApiKeyScope | null {
  if (!route) return null;
  const reads = READ_METHODS.has(method.toUpperCase()) || route.access === 'read';
  return `${route.area}:${reads ? 'read' : 'write'}`;
}

/** Whether a key's scopes cover `required`: exactly, or `<area>:write`, which includes read. */
export function apiKeyScopesAllow(scopes: readonly string[], required: ApiKeyScope): boolean {
  if (scopes.includes(required)) return true;
  const [area, access] = required.split(':');
  return access === 'read' && scopes.includes(`${area}:write`);
}

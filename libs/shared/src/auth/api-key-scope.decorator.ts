import { SetMetadata } from '@nestjs/common';
import type { ApiKeyScopeArea } from '@cloudphone/contracts';

export const API_KEY_SCOPE_AREA = 'cloudphone:api-key-scope-area';

/** What a route declares for API keys: its area, and whether a non-GET route only reads. */
export interface ApiKeyRouteScope {
  area: ApiKeyScopeArea;
  /** `read` lets `<area>:read` call a POST that changes nothing (a check, a batch query). */
  access?: 'read';
}

/**
 * Opens a controller (or one handler, which overrides its controller) to API keys of `area`: GET
 * and HEAD need `<area>:read` or `<area>:write`, other methods `<area>:write`. A route without it
 * refuses every key (403 API_KEY_SCOPE), so a new route is closed to keys until someone decides.
 */
export const ApiKeyScope = (area: ApiKeyScopeArea, access?: 'read') =>
  SetMetadata(API_KEY_SCOPE_AREA, (access ? { area, access } : { area }) satisfies ApiKeyRouteScope);

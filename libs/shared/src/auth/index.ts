export { AllowServiceTokens, RequireRoles, ServiceTokenOnly } from './access.decorators';
export { ApiKeyErrors } from './api-key.errors';
export { ApiKeyScope } from './api-key-scope.decorator';
export type { ApiKeyRouteScope } from './api-key-scope.decorator';
export { apiKeyScopesAllow, requiredApiKeyScope } from './api-key-scope.policy';
export { API_KEY_VERIFIER, apiKeyPrincipal } from './api-key-verifier';
export type { ApiKeyGrant, ApiKeyVerifier } from './api-key-verifier';
export { AuthenticationGuard } from './authentication.guard';
export { CachingApiKeyVerifier } from './caching-api-key.verifier';
export type { ApiKeyCacheOptions } from './caching-api-key.verifier';
export { CurrentPrincipal } from './current-principal.decorator';
export { ADMIN_ROLE } from './principal';
export {
  actingSubject,
  actorOf,
  actsForEveryone,
  assertMayActFor,
  listOwnerFor,
  mayActFor,
  standingToward,
} from './acting-for.policy';
export type { ActingSubject } from './acting-for.policy';
export type { Principal, UserPrincipal } from './principal';
export { Public } from './public.decorator';
export { TokenService } from './token.service';

export { AllowServiceTokens, RequireRoles, ServiceTokenOnly } from './access.decorators';
export { AuthenticationGuard } from './authentication.guard';
export { CurrentPrincipal } from './current-principal.decorator';
export { ADMIN_ROLE } from './principal';
export {
  actorOf,
  actsForEveryone,
  assertMayActFor,
  listOwnerFor,
  mayActFor,
  type Standing,
  standingToward,
} from './acting-for.policy';
export type { Principal, ServicePrincipal, UserPrincipal } from './principal';
export { Public } from './public.decorator';
export { TokenService } from './token.service';
export type { UserTokenClaims } from './token.service';
export { AuthConfig } from './auth.config';

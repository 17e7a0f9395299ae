export { AllowServiceTokens, RequireRoles, ServiceTokenOnly } from './access.decorators';
export { AuthenticationGuard } from './authentication.guard';
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

import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { API_KEY_PATTERN, API_KEY_PREFIX } from '@cloudphone/contracts';
import { CommonErrors } from '../errors/common.errors';
import { PUBLIC_ROUTE, REQUIRED_ROLES, SERVICE_TOKENS, type ServiceTokenPolicy } from './access.decorators';
import { API_KEY_SCOPE_AREA, type ApiKeyRouteScope } from './api-key-scope.decorator';
import { apiKeyScopesAllow, requiredApiKeyScope } from './api-key-scope.policy';
import { ApiKeyErrors } from './api-key.errors';
import { API_KEY_VERIFIER, type ApiKeyVerifier } from './api-key-verifier';
import { PRINCIPAL_REQUEST_KEY } from './current-principal.decorator';
import type { Principal, UserPrincipal } from './principal';
import { TokenService } from './token.service';

type AuthenticatedRequest = Request & { [PRINCIPAL_REQUEST_KEY]?: Principal };
type Targets = Parameters<Reflector['getAllAndOverride']>[1];

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(); @RequireRoles and
 * @ServiceTokenOnly narrow who may call it. The token is a user JWT, a service token, or an API key
 * (`cpk_…`, checked by the ApiKeyVerifier), which acts as its owner without the admin role and
 * only on routes that declare an @ApiKeyScope its scopes cover.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    // Optional so a bare test app with only TokenService still boots; it then refuses every key.
    @Optional() @Inject(API_KEY_VERIFIER) private readonly apiKeys?: ApiKeyVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.header('authorization') ?? '');
    if (!match) throw CommonErrors.unauthenticated('Bearer token required');
    const token = match[1];
    const principal = token.startsWith(API_KEY_PREFIX)
      ? await this.verifyApiKey(token)
      : this.tokens.verify(token);
    if (!principal) throw CommonErrors.unauthenticated('Invalid or expired token');
    request[PRINCIPAL_REQUEST_KEY] = principal;

    const servicePolicy = this.reflector.getAllAndOverride<ServiceTokenPolicy | undefined>(
      SERVICE_TOKENS,
      targets,
    );
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets);
    if (principal.kind === 'service') {
      if (roles && roles.length > 0 && servicePolicy === undefined) {
        throw CommonErrors.forbidden('Service tokens may not call this route');
      }
      return true;
    }
    if (servicePolicy === 'only') throw CommonErrors.forbidden('Only services may call this route');
    if (roles && roles.length > 0 && !roles.some((role) => principal.roles.includes(role))) {
      throw CommonErrors.forbidden(`Requires role ${roles.join(' or ')}`);
    }
    if (principal.apiKey) this.assertKeyMayCall(principal.apiKey.scopes, targets, request.method);
    return true;
  }

  private async verifyApiKey(key: string): Promise<UserPrincipal> {
    // A malformed key (wrong length, a 10 kB header) is refused before any hash or lookup.
    if (!this.apiKeys || !API_KEY_PATTERN.test(key)) throw ApiKeyErrors.invalid();
    const principal = await this.apiKeys.verify(key);
    if (!principal) throw ApiKeyErrors.invalid();
    return principal;
  }

  private assertKeyMayCall(scopes: readonly string[], targets: Targets, method: string): void {
    const route = this.reflector.getAllAndOverride<ApiKeyRouteScope | undefined>(API_KEY_SCOPE_AREA, targets);
    const required = requiredApiKeyScope(route, method);
    if (required === null) throw ApiKeyErrors.closedRoute();
    if (!apiKeyScopesAllow(scopes, required)) throw ApiKeyErrors.missingScope(required, scopes);
  }
}

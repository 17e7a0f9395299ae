import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { CommonErrors } from '../errors/common.errors';
import { PUBLIC_ROUTE, REQUIRED_ROLES, SERVICE_TOKENS, type ServiceTokenPolicy } from './access.decorators';
import { PRINCIPAL_REQUEST_KEY } from './current-principal.decorator';
import type { Principal } from './principal';
import { TokenService } from './token.service';

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(); @RequireRoles and
 * @ServiceTokenOnly narrow who may call it.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { [PRINCIPAL_REQUEST_KEY]?: Principal }>();
    const header = request.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match ? this.tokens.verify(match[1]) : null;
    if (!principal)
      throw CommonErrors.unauthenticated(match ? 'Invalid or expired token' : 'Bearer token required');
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
    return true;
  }
}

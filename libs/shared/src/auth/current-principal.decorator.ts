import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { CommonErrors } from '../errors/common.errors';
import type { Principal } from './principal';

export const PRINCIPAL_REQUEST_KEY = 'principal';

/** Injects the authenticated principal the AuthenticationGuard attached to the request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const request = context.switchToHttp().getRequest<Request & { [PRINCIPAL_REQUEST_KEY]?: Principal }>();
    const principal = request[PRINCIPAL_REQUEST_KEY];
    if (!principal) throw CommonErrors.unauthenticated();
    return principal;
  },
);

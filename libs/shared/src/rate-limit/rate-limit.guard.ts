import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { PRINCIPAL_REQUEST_KEY } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { RATE_LIMITS, type RateLimitOptions, SKIP_RATE_LIMIT } from './rate-limit.decorators';
import { RateLimitService } from './rate-limit.service';

/**
 * Global guard registered after the AuthenticationGuard (so `by: 'user'` sees the principal): a
 * route's own @RateLimit limits, else the default write limit; @SkipRateLimit opts out.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly rateLimits: RateLimitService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { [PRINCIPAL_REQUEST_KEY]?: Principal }>();
    const principal = request[PRINCIPAL_REQUEST_KEY];
    const limits =
      this.reflector.getAllAndOverride<RateLimitOptions[] | undefined>(RATE_LIMITS, targets) ??
      this.rateLimits.defaultLimits(request.method, principal);
    if (limits.length === 0) return true;
    const headers = await this.rateLimits.enforce({
      request,
      principal,
      routeId: `${context.getClass().name}.${context.getHandler().name}`,
      limits,
    });
    const response = http.getResponse<Response>();
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    return true;
  }
}

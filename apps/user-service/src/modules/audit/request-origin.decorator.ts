import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Where a request came from, for the security audit log. */
export interface RequestOrigin {
  /** The client address (X-Forwarded-For counts only from TRUST_PROXY hops). */
  ip: string | null;
  userAgent: string | null;
}

const USER_AGENT_MAX_LENGTH = 256;

export function requestOriginOf(request: Request): RequestOrigin {
  const agent = request.header('user-agent');
  return {
    ip: request.ip ?? null,
    // Truncated, and stripped of control characters, so a hostile header cannot break a log line.
    userAgent: agent ? agent.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, USER_AGENT_MAX_LENGTH) : null,
  };
}

/** The caller's address and user agent, as a handler parameter. */
export const CurrentOrigin = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestOriginOf(context.switchToHttp().getRequest<Request>()),
);

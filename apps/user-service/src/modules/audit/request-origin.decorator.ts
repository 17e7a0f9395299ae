import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Where a request came from, for the security audit log. */
export interface RequestOrigin {
  /** The client address (X-Forwarded-For counts only from TRUST_PROXY hops). */
  ip: string | null;
  userAgent: string | null;
}

const USER_AGENT_MAX_LENGTH = 256;

/** Drops C0 control characters and DEL (a NUL byte, for one, is refused by a Postgres text column). */
function printable(text: string): string {
  let kept = '';
  for (const character of text) {
    const code = character.charCodeAt(0);
    if (code >= 0x20 && code !== 0x7f) kept += character;
  }
  return kept;
}

export function requestOriginOf(request: Request): RequestOrigin {
  const agent = request.header('user-agent');
  return {
    ip: request.ip ?? null,
    // Truncated, and stripped of control characters, so a hostile header cannot break a log line.
    userAgent: agent ? printable(agent).slice(0, USER_AGENT_MAX_LENGTH) : null,
  };
}

/** The caller's address and user agent, as a handler parameter. */
export const CurrentOrigin = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestOriginOf(context.switchToHttp().getRequest<Request>()),
);

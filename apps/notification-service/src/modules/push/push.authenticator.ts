import { Inject, Injectable, Optional } from '@nestjs/common';
import { decode } from 'jsonwebtoken';
import { API_KEY_PATTERN, API_KEY_PREFIX, NOTIFICATION_PUSH } from '@cloudphone/contracts';
import {
  API_KEY_VERIFIER,
  ApiKeyErrors,
  CommonErrors,
  TokenService,
  apiKeyScopesAllow,
  type ApiKeyVerifier,
} from '@cloudphone/shared';

/** Longer bearer values are refused unread (a JWT of the platform is a few hundred characters). */
const MAX_TOKEN_LENGTH = 4096;
/**
 * An API key's socket is closed after this long (±10 %, so keys connected together do not all come
 * back together) and must connect again: a revoked key, or one whose owner was suspended, loses
 * its socket within this time, without the process keeping the key to check it again.
 */
export const API_KEY_SESSION_MS = 5 * 60_000;

/** Who a socket acts for, and until when. */
export interface PushSession {
  userId: string;
  via: 'jwt' | 'api-key';
  /** When the socket must be closed: the JWT's expiry, or the end of an API key's session. */
  endsAtMs: number;
}

/** What a client sent in its handshake. */
export interface PushCredentials {
  /** socket.io's `auth` payload; `{ token }` is read. */
  auth?: unknown;
  /** The handshake's Authorization header (`Bearer <token>`), for clients that can set headers. */
  authorization?: string | string[];
}

/**
 * Checks a socket's handshake the way AuthenticationGuard checks a request, with the same
 * verifiers: TokenService for JWTs, the process's ApiKeyVerifier (user-service introspection,
 * cached) for API keys. A user JWT, or an API key whose scopes cover `notifications:read`, is let
 * in; service tokens are refused (a push goes to a user). Refusals are the guard's AppErrors, so a
 * client sees the codes the HTTP API answers with.
 */
@Injectable()
export class PushAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    @Optional() @Inject(API_KEY_VERIFIER) private readonly apiKeys: ApiKeyVerifier | null = null,
  ) {}

  async authenticate(credentials: PushCredentials, now = Date.now()): Promise<PushSession> {
    const token = bearerOf(credentials);
    if (token === null) throw CommonErrors.unauthenticated('Bearer token required: auth: { token }');
    if (token.startsWith(API_KEY_PREFIX)) return this.apiKeySession(token, now);
    const principal = this.tokens.verify(token);
    if (!principal) throw CommonErrors.unauthenticated('Invalid or expired token');
    if (principal.kind === 'service') throw CommonErrors.forbidden('Service tokens cannot receive pushes');
    return { userId: principal.userId, via: 'jwt', endsAtMs: expiryOf(token) };
  }

  private async apiKeySession(key: string, now: number): Promise<PushSession> {
    if (!this.apiKeys || !API_KEY_PATTERN.test(key)) throw ApiKeyErrors.invalid();
    // Throws DEPENDENCY_UNAVAILABLE (503) while user-service cannot say; the client tries again.
    const principal = await this.apiKeys.verify(key);
    if (!principal) throw ApiKeyErrors.invalid();
    const scopes = principal.apiKey?.scopes ?? [];
    if (!apiKeyScopesAllow(scopes, NOTIFICATION_PUSH.apiKeyScope)) {
      throw ApiKeyErrors.missingScope(NOTIFICATION_PUSH.apiKeyScope, scopes);
    }
    const jitter = (Math.random() - 0.5) * 0.2 * API_KEY_SESSION_MS;
    return { userId: principal.userId, via: 'api-key', endsAtMs: now + API_KEY_SESSION_MS + jitter };
  }
}

/** The token from `auth.token` (`Bearer ` optional), else from an `Authorization: Bearer` header. */
function bearerOf(credentials: PushCredentials): string | null {
  const auth = credentials.auth as { token?: unknown } | null | undefined;
  const header = typeof credentials.authorization === 'string' ? credentials.authorization : '';
  const value = typeof auth?.token === 'string' ? auth.token : header;
  if (value.length > MAX_TOKEN_LENGTH) return null;
  const pattern = typeof auth?.token === 'string' ? /^(?:Bearer\s+)?(\S+)$/i : /^Bearer\s+(\S+)$/i;
  return pattern.exec(value.trim())?.[1] ?? null;
}

/** The verified JWT's `exp` in milliseconds (TokenService.verify checked the signature and that it is set). */
function expiryOf(token: string): number {
  const claims = decode(token, { json: true });
  return typeof claims?.exp === 'number' ? claims.exp * 1000 : 0;
}

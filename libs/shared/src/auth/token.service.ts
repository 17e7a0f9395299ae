import { createSecretKey, type KeyObject } from 'node:crypto';
import { decode, sign, verify } from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { Principal } from './principal';

export interface UserTokenClaims {
  sub: string;
  roles: string[];
  tenantId: string | null;
  typ: 'user';
}

interface ServiceTokenClaims {
  sub: string;
  typ: 'service';
}

const SERVICE_TOKEN_LIFETIME_SECONDS = 300;
const USER_TOKEN_ISSUER = 'cloudphone-user-service';
const SERVICE_TOKEN_ISSUER = 'cloudphone-services';
/** Verified tokens remembered per process; a client sends the same token with every request. */
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * Signs and verifies the platform's two token kinds: user JWTs (JWT_SECRET, issued by user-service
 * at login) and short-lived service tokens (SERVICE_TOKEN_SECRET) that services send to each other.
 *
 * Verification is on every request's path, so it is kept cheap: the secrets are KeyObjects made
 * once (jsonwebtoken would otherwise re-parse a string secret on every call), a token is checked
 * against the one secret its `typ` names, and a verified token is remembered until it expires.
 */
export class TokenService {
  private readonly userKey: KeyObject;
  private readonly serviceKey: KeyObject;
  private readonly verified = new LRUCache<string, { principal: Principal; expiresAtMs: number }>({
    max: VERIFIED_TOKENS_MAX,
  });
  private cachedServiceToken: { token: string; renewAfter: number } | null = null;

  constructor(
    jwtSecret: string,
    serviceTokenSecret: string,
    private readonly serviceName: string,
  ) {
    this.userKey = createSecretKey(Buffer.from(jwtSecret, 'utf8'));
    this.serviceKey = createSecretKey(Buffer.from(serviceTokenSecret, 'utf8'));
  }

  /** Issues a user JWT; only user-service calls this (at login). */
  signUserToken(claims: Omit<UserTokenClaims, 'typ'>, expiresInSeconds: number): string {
    return sign({ ...claims, typ: 'user' } satisfies UserTokenClaims, this.userKey, {
      algorithm: 'HS256',
      expiresIn: expiresInSeconds,
      issuer: USER_TOKEN_ISSUER,
    });
  }

  /** This service's own token for calls to other services, renewed well before it expires. */
  serviceToken(): string {
    const now = Date.now();
    if (this.cachedServiceToken && now < this.cachedServiceToken.renewAfter)
      return this.cachedServiceToken.token;
    const token = sign(
      { sub: this.serviceName, typ: 'service' } satisfies ServiceTokenClaims,
      this.serviceKey,
      {
        algorithm: 'HS256',
        expiresIn: SERVICE_TOKEN_LIFETIME_SECONDS,
        issuer: SERVICE_TOKEN_ISSUER,
      },
    );
    this.cachedServiceToken = { token, renewAfter: now + (SERVICE_TOKEN_LIFETIME_SECONDS * 1000) / 2 };
    return token;
  }

  /** Returns the principal a bearer token stands for, or null when it is invalid or expired. */
  verify(token: string): Principal | null {
    const remembered = this.verified.get(token);
    if (remembered) {
      if (Date.now() < remembered.expiresAtMs) return remembered.principal;
      this.verified.delete(token);
    }
    const verdict = this.verifyOnce(token);
    if (verdict) this.verified.set(token, verdict);
    return verdict?.principal ?? null;
  }

  private verifyOnce(token: string): { principal: Principal; expiresAtMs: number } | null {
    // The unverified `typ` only picks which secret to check; the signature then decides.
    const unverified = decode(token, { json: true });
    const isService = unverified?.typ === 'service';
    try {
      const claims = verify(token, isService ? this.serviceKey : this.userKey, {
        algorithms: ['HS256'],
        issuer: isService ? SERVICE_TOKEN_ISSUER : USER_TOKEN_ISSUER,
      });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string' || typeof claims.exp !== 'number')
        return null;
      const expiresAtMs = claims.exp * 1000;
      if (isService && claims.typ === 'service') {
        return { principal: Object.freeze({ kind: 'service', service: claims.sub }), expiresAtMs };
      }
      if (!isService && claims.typ === 'user') {
        const user = claims as unknown as UserTokenClaims;
        return {
          // Frozen: the same object answers every later request carrying this token.
          principal: Object.freeze({
            kind: 'user',
            userId: user.sub,
            roles: Object.freeze(Array.isArray(user.roles) ? [...user.roles] : []) as string[],
            tenantId: user.tenantId ?? null,
          }),
          expiresAtMs,
        };
      }
      return null;
    } catch {
      return null;
    }
  }
}

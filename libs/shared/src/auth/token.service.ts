import { JwtService } from '@nestjs/jwt';
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

/**
 * Signs and verifies the platform's two token kinds: user JWTs (JWT_SECRET, issued by user-service
 * at login) and short-lived service tokens (SERVICE_TOKEN_SECRET) that services send to each other.
 */
export class TokenService {
  private readonly userTokens: JwtService;
  private readonly serviceTokens: JwtService;
  private cachedServiceToken: { token: string; renewAfter: number } | null = null;

  constructor(
    jwtSecret: string,
    serviceTokenSecret: string,
    private readonly serviceName: string,
  ) {
    this.userTokens = new JwtService({ secret: jwtSecret, signOptions: { algorithm: 'HS256' } });
    this.serviceTokens = new JwtService({ secret: serviceTokenSecret, signOptions: { algorithm: 'HS256' } });
  }

  /** Issues a user JWT; only user-service calls this (at login). */
  signUserToken(claims: Omit<UserTokenClaims, 'typ'>, expiresInSeconds: number): string {
    return this.userTokens.sign({ ...claims, typ: 'user' } satisfies UserTokenClaims, {
      expiresIn: expiresInSeconds,
      issuer: USER_TOKEN_ISSUER,
    });
  }

  /** This service's own token for calls to other services, renewed well before it expires. */
  serviceToken(): string {
    const now = Date.now();
    if (this.cachedServiceToken && now < this.cachedServiceToken.renewAfter)
      return this.cachedServiceToken.token;
    const token = this.serviceTokens.sign(
      { sub: this.serviceName, typ: 'service' } satisfies ServiceTokenClaims,
      {
        expiresIn: SERVICE_TOKEN_LIFETIME_SECONDS,
        issuer: SERVICE_TOKEN_ISSUER,
      },
    );
    this.cachedServiceToken = { token, renewAfter: now + (SERVICE_TOKEN_LIFETIME_SECONDS * 1000) / 2 };
    return token;
  }

  /** Returns the principal a bearer token stands for, or null when it is invalid or expired. */
  verify(token: string): Principal | null {
    try {
      const claims = this.userTokens.verify<UserTokenClaims>(token, {
        algorithms: ['HS256'],
        issuer: USER_TOKEN_ISSUER,
      });
      if (claims.typ === 'user' && typeof claims.sub === 'string') {
        return {
          kind: 'user',
          userId: claims.sub,
          roles: Array.isArray(claims.roles) ? claims.roles : [],
          tenantId: claims.tenantId ?? null,
        };
      }
    } catch {
      // Not a user token; try the service secret below.
    }
    try {
      const claims = this.serviceTokens.verify<ServiceTokenClaims>(token, {
        algorithms: ['HS256'],
        issuer: SERVICE_TOKEN_ISSUER,
      });
      if (claims.typ === 'service' && typeof claims.sub === 'string')
        return { kind: 'service', service: claims.sub };
    } catch {
      return null;
    }
    return null;
  }
}

import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What an access token names: one claim of one device (a new claim, a failover, gets a new token). */
export interface AccessTokenSubject {
  allocationId: string;
  fencingToken: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FENCING = /^[1-9]\d{0,18}$/;

/**
 * Tokens scoped to one allocation: `v1.<allocationId>.<fencingToken>.<HMAC>`. The token carries no
 * expiry of its own: whoever checks it also checks that this claim is still active (an extension
 * moves the end without a new token, a release ends it at once). The key is derived from JWT_SECRET
 * (HKDF, its own label), so there is no second secret to deploy and a leaked access token says
 * nothing about the JWT key.
 */
export class AccessTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, '', 'cloudphone device access token v1', 32));
  }

  issue(subject: AccessTokenSubject): string {
    return `v1.${subject.allocationId}.${subject.fencingToken}.${this.sign(subject)}`;
  }

  /** The subject of a well-formed, genuine token; null for anything else. */
  read(token: string): AccessTokenSubject | null {
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') return null;
    const [, allocationId, fencingToken, signature] = parts;
    if (!UUID.test(allocationId) || !FENCING.test(fencingToken)) return null;
    const expected = Buffer.from(this.sign({ allocationId, fencingToken }));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return { allocationId, fencingToken };
  }

  private sign(subject: AccessTokenSubject): string {
    return createHmac('sha256', this.key)
      .update(`${subject.allocationId}.${subject.fencingToken}`)
      .digest('base64url');
  }
}

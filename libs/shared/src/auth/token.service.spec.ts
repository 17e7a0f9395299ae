import { sign } from 'jsonwebtoken';
import { TokenService } from './token.service';

const USER_SECRET = 'u'.repeat(40);
const SERVICE_SECRET = 's'.repeat(40);

describe('TokenService', () => {
  const tokens = new TokenService(USER_SECRET, SERVICE_SECRET, 'device-service');

  it('verifies its user tokens and service tokens', () => {
    const user = tokens.signUserToken({ sub: 'u-1', roles: ['admin', 'user'], tenantId: 'acme' }, 60);
    expect(tokens.verify(user)).toEqual({
      kind: 'user',
      userId: 'u-1',
      roles: ['admin', 'user'],
      tenantId: 'acme',
    });
    expect(tokens.verify(tokens.serviceToken())).toEqual({ kind: 'service', service: 'device-service' });
    expect(tokens.serviceToken()).toBe(tokens.serviceToken());
  });

  it('refuses tokens signed with another secret, of the wrong kind, tampered, expired or without expiry', () => {
    const other = new TokenService('x'.repeat(40), 'y'.repeat(40), 'billing-service');
    expect(tokens.verify(other.signUserToken({ sub: 'u-1', roles: [], tenantId: null }, 60))).toBeNull();
    expect(tokens.verify(other.serviceToken())).toBeNull();
    // A `typ: service` claim signed with the user secret is not a service token.
    const forged = sign({ sub: 'evil', typ: 'service' }, USER_SECRET, {
      algorithm: 'HS256',
      issuer: 'cloudphone-services',
      expiresIn: 60,
    });
    expect(tokens.verify(forged)).toBeNull();
    const user = tokens.signUserToken({ sub: 'u-2', roles: ['user'], tenantId: null }, 60);
    const [header, payload, signature] = user.split('.');
    const elevated = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['admin'] }),
    ).toString('base64url');
    expect(tokens.verify(`${header}.${elevated}.${signature}`)).toBeNull();
    const noExpiry = sign({ sub: 'u-3', typ: 'user', roles: [] }, USER_SECRET, {
      algorithm: 'HS256',
      issuer: 'cloudphone-user-service',
    });
    expect(tokens.verify(noExpiry)).toBeNull();
    expect(tokens.verify('not.a.token')).toBeNull();
    expect(tokens.verify('')).toBeNull();
  });

  it('stops accepting a remembered token once it expires', () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    try {
      const user = tokens.signUserToken({ sub: 'u-4', roles: ['user'], tenantId: null }, 2);
      expect(tokens.verify(user)).not.toBeNull();
      jest.setSystemTime(new Date('2030-01-01T00:00:01.500Z'));
      expect(tokens.verify(user)).not.toBeNull();
      jest.setSystemTime(new Date('2030-01-01T00:00:02.001Z'));
      expect(tokens.verify(user)).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('hands out the remembered principal frozen, so no caller can change it for the next request', () => {
    const user = tokens.signUserToken({ sub: 'u-5', roles: ['user'], tenantId: null }, 60);
    const first = tokens.verify(user);
    expect(Object.isFrozen(first)).toBe(true);
    expect(tokens.verify(user)).toBe(first);
  });
});

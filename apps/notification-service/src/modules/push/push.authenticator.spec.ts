import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, TokenService, type ApiKeyVerifier, type UserPrincipal } from '@cloudphone/shared';
import { API_KEY_SESSION_MS, PushAuthenticator } from './push.authenticator';

const tokens = new TokenService(randomBytes(32).toString('hex'), randomBytes(32).toString('hex'), 'test');
const otherIssuer = new TokenService(randomBytes(32).toString('hex'), randomBytes(32).toString('hex'), 'x');
const apiKey = (fill = 'a') => `cpk_${fill.repeat(43)}`;

function keyPrincipal(scopes: string[], userId = randomUUID()): UserPrincipal {
  return { kind: 'user', userId, roles: ['user'], tenantId: 't', apiKey: { id: randomUUID(), scopes } };
}

function authenticator(verify: ApiKeyVerifier['verify'] | null): PushAuthenticator {
  return new PushAuthenticator(tokens, verify ? { verify } : null);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

describe('PushAuthenticator', () => {
  const noKeys = authenticator(null);

  it('admits a user JWT from auth.token (with or without Bearer) or the Authorization header, until its exp', async () => {
    const userId = randomUUID();
    const token = tokens.signUserToken({ sub: userId, roles: ['user'], tenantId: 't' }, 600);
    const now = Date.now();
    for (const credentials of [
      { auth: { token } },
      { auth: { token: `Bearer ${token}` } },
      { authorization: `Bearer ${token}` },
    ]) {
      const session = await noKeys.authenticate(credentials, now);
      expect(session).toMatchObject({ userId, via: 'jwt' });
      expect(session.endsAtMs).toBeGreaterThan(now + 590_000);
      expect(session.endsAtMs).toBeLessThanOrEqual(now + 601_000);
    }
  });

  it('refuses a missing, malformed, foreign, expired or oversized token as UNAUTHENTICATED', async () => {
    const expired = tokens.signUserToken({ sub: randomUUID(), roles: ['user'], tenantId: 't' }, -10);
    const foreign = otherIssuer.signUserToken({ sub: randomUUID(), roles: ['user'], tenantId: 't' }, 600);
    for (const credentials of [
      {},
      { auth: {} },
      { auth: { token: 42 } },
      { auth: { token: 'not-a-jwt' } },
      { auth: { token: foreign } },
      { auth: { token: expired } },
      { auth: { token: 'x'.repeat(10_000) } },
      { authorization: 'Basic abc' },
      { authorization: ['Bearer a', 'Bearer b'] },
    ]) {
      expect(await refusal(noKeys.authenticate(credentials))).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a service token (a push goes to a user)', async () => {
    expect(await refusal(noKeys.authenticate({ auth: { token: tokens.serviceToken() } }))).toBe('FORBIDDEN');
  });

  it('admits an API key with notifications:read or :write, for a session of about API_KEY_SESSION_MS', async () => {
    for (const scopes of [['notifications:read'], ['billing:read', 'notifications:write']]) {
      const principal = keyPrincipal(scopes);
      const verify = jest.fn(async () => principal);
      const now = Date.now();
      const session = await authenticator(verify).authenticate({ auth: { token: apiKey() } }, now);
      expect(verify).toHaveBeenCalledWith(apiKey());
      expect(session).toMatchObject({ userId: principal.userId, via: 'api-key' });
      expect(session.endsAtMs - now).toBeGreaterThanOrEqual(API_KEY_SESSION_MS * 0.9);
      expect(session.endsAtMs - now).toBeLessThanOrEqual(API_KEY_SESSION_MS * 1.1);
    }
  });

  it('refuses keys as the HTTP guard does: invalid, malformed, out of scope, or unverifiable now', async () => {
    const unknown = authenticator(async () => null);
    expect(await refusal(unknown.authenticate({ auth: { token: apiKey() } }))).toBe('API_KEY_INVALID');
    const never = jest.fn(async () => keyPrincipal(['notifications:read']));
    expect(await refusal(authenticator(never).authenticate({ auth: { token: 'cpk_short' } }))).toBe(
      'API_KEY_INVALID',
    );
    expect(never).not.toHaveBeenCalled();
    const billingOnly = authenticator(async () => keyPrincipal(['billing:write']));
    expect(await refusal(billingOnly.authenticate({ auth: { token: apiKey() } }))).toBe('API_KEY_SCOPE');
    const down = authenticator(async () => {
      throw new AppError('DEPENDENCY_UNAVAILABLE', 503, 'user-service cannot verify API keys right now');
    });
    expect(await refusal(down.authenticate({ auth: { token: apiKey() } }))).toBe('DEPENDENCY_UNAVAILABLE');
    expect(await refusal(noKeys.authenticate({ auth: { token: apiKey() } }))).toBe('API_KEY_INVALID');
  });
});

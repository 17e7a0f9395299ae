import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { AppError, MetricsService, TokenService, type TransactionRunner } from '@cloudphone/shared';
import type { SecurityAuditService } from '../audit';
import type { UserServiceConfig } from '../../config/user-service.config';
import { PasswordHasher } from '../users/password-hasher.service';
import type { UserWithPasswordHash } from '../users/user-record';
import type { UsersService } from '../users/users.service';
import type { AuthEventsPublisher } from './auth-events.publisher';
import { AuthService } from './auth.service';

const SECRETS = { jwt: 'j'.repeat(32), service: 's'.repeat(32) };

describe('AuthService.login', () => {
  const passwords = new PasswordHasher({ logN: 10, blockSize: 8, parallelization: 1 });
  const tokens = new TokenService(SECRETS.jwt, SECRETS.service, 'user-service');
  let stored: UserWithPasswordHash | null;
  let metrics: MetricsService;
  let auth: AuthService;

  const user = async (status: UserWithPasswordHash['status']): Promise<UserWithPasswordHash> => ({
    id: randomUUID(),
    tenantId: 'acme',
    email: 'Ada@Example.com',
    username: 'ada',
    emailVerifiedAt: new Date(),
    failedLoginCount: 0,
    lockedUntil: null,
    displayName: 'Ada',
    passwordHash: await passwords.hash('right-password'),
    roles: ['user'],
    tier: 'free',
    status,
    createdAt: new Date(),
    updatedAt: new Date(),
  });

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the login to fail');
      },
      (error: AppError) => ({ code: error.code, status: error.httpStatus, message: error.message }),
    );

  const attempts = async (result: string) => {
    const metric = metrics.registry.getSingleMetric('cloudphone_user_logins_total');
    const values = metric ? (await metric.get()).values : [];
    return values.find((value) => value.labels.result === result)?.value ?? 0;
  };

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    stored = null;
    metrics = new MetricsService('user-service');
    const users = {
      findForLogin: jest.fn(async () => stored),
      recordLoginFailure: jest.fn(async () => ({ lockedNow: false, lockedUntil: null })),
      clearLoginFailures: jest.fn(async () => undefined),
    } as unknown as UsersService;
    const config = {
      jwtExpiresInSeconds: 600,
      loginMaxFailures: 5,
      loginLockoutSeconds: 900,
    } as UserServiceConfig;
    const transactions = { run: (work: () => Promise<unknown>) => work() } as unknown as TransactionRunner;
    const audit = { record: jest.fn(async () => undefined) } as unknown as SecurityAuditService;
    auth = new AuthService(
      users,
      passwords,
      tokens,
      config,
      transactions,
      audit,
      {} as AuthEventsPublisher,
      metrics,
    );
  });

  it('issues a user JWT with the configured lifetime and the public user', async () => {
    stored = await user('active');

    const answer = await auth.login({ email: 'ada@example.com', password: 'right-password' });

    expect(answer).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 600,
      user: { id: stored.id, tenantId: 'acme' },
    });
    expect(answer.user).not.toHaveProperty('passwordHash');
    expect(tokens.verify(answer.accessToken)).toEqual({
      kind: 'user',
      userId: stored.id,
      roles: ['user'],
      tenantId: 'acme',
    });
    expect(await attempts('success')).toBe(1);
  });

  it('answers an unknown email exactly like a wrong password, after a dummy verification', async () => {
    const dummy = jest.spyOn(passwords, 'verifyAgainstDummy');
    const unknown = await failure(auth.login({ email: 'nobody@example.com', password: 'right-password' }));
    expect(dummy).toHaveBeenCalledTimes(1);

    stored = await user('active');
    const wrong = await failure(auth.login({ email: 'ada@example.com', password: 'wrong-password' }));

    expect(unknown).toEqual({
      code: 'INVALID_CREDENTIALS',
      status: 401,
      message: 'Invalid email, username or password',
    });
    expect(wrong).toEqual(unknown);
    expect(dummy).toHaveBeenCalledTimes(1);
    expect(await attempts('invalid_credentials')).toBe(2);
    dummy.mockRestore();
  });

  it('treats a deleted user as unknown, and tells a suspended one only after the right password', async () => {
    stored = await user('deleted');
    expect(await failure(auth.login({ email: 'ada@example.com', password: 'right-password' }))).toMatchObject(
      {
        code: 'INVALID_CREDENTIALS',
      },
    );

    stored = await user('suspended');
    expect(await failure(auth.login({ email: 'ada@example.com', password: 'wrong-password' }))).toMatchObject(
      {
        code: 'INVALID_CREDENTIALS',
      },
    );
    expect(await failure(auth.login({ email: 'ada@example.com', password: 'right-password' }))).toEqual({
      code: 'ACCOUNT_SUSPENDED',
      status: 403,
      message: 'This account is suspended',
    });
    expect(await attempts('suspended')).toBe(1);
  });
});

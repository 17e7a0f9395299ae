import { Injectable, Logger } from '@nestjs/common';
import type { LoginRequest, LoginResponse } from '@cloudphone/contracts';
import { MetricsService, TokenService, TransactionRunner } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { UserServiceConfig } from '../../config/user-service.config';
import { type RequestOrigin, SecurityAuditService } from '../audit';
import { PasswordHasher, toUserResponse, UsersService } from '../users';
import { retryAfterSeconds } from './account-token';
import { AuthErrors } from './auth.errors';
import { AuthEventsPublisher } from './auth-events.publisher';

type LoginResult = 'success' | 'invalid_credentials' | 'suspended' | 'unverified' | 'locked';

/** Login: checks an email or username and password, with lockout, and issues a user JWT. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly logins: Counter<'result'>;

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly config: UserServiceConfig,
    private readonly transactions: TransactionRunner,
    private readonly audit: SecurityAuditService,
    private readonly publisher: AuthEventsPublisher,
    metrics: MetricsService,
  ) {
    this.logins = metrics.counter({
      name: 'cloudphone_user_logins_total',
      help: 'Login attempts by result',
      labelNames: ['result'],
    });
  }

  /**
   * Every attempt on an unlocked account costs one scrypt verification (a dummy one for unknown
   * accounts), so neither the answer nor its timing tells whether an account exists. A locked
   * account answers 429 without checking the password, so guessing stops until the lock ends.
   * Deleted users are treated as unknown; a pending or suspended user with the right password
   * learns why they cannot log in.
   */
  async login(request: LoginRequest, origin?: RequestOrigin): Promise<LoginResponse> {
    if ((request.email === undefined) === (request.username === undefined))
      throw AuthErrors.identifierRequired();
    const identifier =
      request.email !== undefined ? { email: request.email } : { username: request.username! };
    const found = await this.users.findForLogin(identifier);
    const user = found && found.status !== 'deleted' ? found : null;
    const via = 'email' in identifier ? 'email' : 'username';
    if (user?.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      await this.fail('locked', {
        event: 'login.failed',
        userId: user.id,
        origin,
        details: { reason: 'locked', via },
      });
      throw AuthErrors.accountLocked(retryAfterSeconds(user.lockedUntil));
    }
    const matches = user
      ? await this.passwords.verify(request.password, user.passwordHash)
      : await this.passwords.verifyAgainstDummy(request.password);
    if (!user || !matches) {
      if (user) await this.countFailure(user, origin, via);
      else
        await this.fail('invalid_credentials', {
          event: 'login.failed',
          origin,
          details: { reason: 'unknown', via },
        });
      throw AuthErrors.invalidCredentials();
    }
    if (user.status !== 'active') {
      const result = user.status === 'pending' ? 'unverified' : 'suspended';
      await this.fail(result, {
        event: 'login.failed',
        userId: user.id,
        origin,
        details: { reason: result, via },
      });
      throw user.status === 'pending' ? AuthErrors.emailNotVerified() : AuthErrors.accountSuspended();
    }
    await this.transactions.run(async () => {
      await this.users.clearLoginFailures(user.id);
      await this.audit.record({ event: 'login.succeeded', userId: user.id, origin, details: { via } });
    });
    this.record('success', user.id);
    const expiresIn = this.config.jwtExpiresInSeconds;
    const accessToken = this.tokens.signUserToken(
      { sub: user.id, roles: user.roles, tenantId: user.tenantId },
      expiresIn,
    );
    return { accessToken, tokenType: 'Bearer', expiresIn, user: toUserResponse(user) };
  }

  /**
   * A wrong password: counts the failure, and the one that reaches LOGIN_MAX_FAILURES locks the
   * account (audit `login.locked`, a `user.locked_out` email) and answers 429 already.
   */
  private async countFailure(
    user: { id: string },
    origin: RequestOrigin | undefined,
    via: string,
  ): Promise<void> {
    const maxFailures = this.config.loginMaxFailures;
    const lockSeconds = this.config.loginLockoutSeconds;
    const failure = await this.transactions.run(async () => {
      const counted = await this.users.recordLoginFailure(user.id, maxFailures, lockSeconds);
      await this.audit.record({
        event: 'login.failed',
        userId: user.id,
        origin,
        details: { reason: 'password', via },
      });
      if (counted?.lockedNow && counted.lockedUntil) {
        await this.audit.record({
          event: 'login.locked',
          userId: user.id,
          origin,
          details: { until: counted.lockedUntil },
        });
        await this.publisher.lockedOut(await this.users.record(user.id), counted.lockedUntil);
      }
      return counted;
    });
    // Null: a concurrent failure locked the account first; this attempt is refused the same way.
    if (failure === null || failure.lockedNow) {
      this.record('locked', user.id);
      throw AuthErrors.accountLocked(
        failure?.lockedUntil ? retryAfterSeconds(failure.lockedUntil) : lockSeconds,
      );
    }
    this.record('invalid_credentials', user.id);
  }

  private async fail(
    result: LoginResult,
    entry: Parameters<SecurityAuditService['record']>[0],
  ): Promise<void> {
    await this.audit.record(entry);
    this.record(result, entry.userId ?? undefined);
  }

  private record(result: LoginResult, userId: string | undefined): void {
    this.logins.inc({ result });
    // The attempted email or username is not logged: it may be a password typed into the wrong field.
    this.logger.log({ msg: 'login attempt', result, userId });
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { LoginRequest, LoginResponse } from '@cloudphone/contracts';
import { MetricsService, TokenService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { UserServiceConfig } from '../../config/user-service.config';
import { PasswordHasher, toUserResponse, UsersService } from '../users';
import { AuthErrors } from './auth.errors';

type LoginResult = 'success' | 'invalid_credentials' | 'suspended';

/** Login: checks an email and password and issues a user JWT. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly logins: Counter<'result'>;

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly config: UserServiceConfig,
    metrics: MetricsService,
  ) {
    this.logins = metrics.counter({
      name: 'cloudphone_user_logins_total',
      help: 'Login attempts by result',
      labelNames: ['result'],
    });
  }

  /**
   * Every attempt costs one scrypt verification (a dummy one for unknown emails), so neither the
   * answer nor its timing tells whether an email exists. Deleted users are treated as unknown;
   * a suspended user with the right password learns that the account is suspended.
   */
  async login(request: LoginRequest): Promise<LoginResponse> {
    const user = await this.users.findForLogin(request.email);
    const known = user !== null && user.status !== 'deleted';
    const matches = known
      ? await this.passwords.verify(request.password, user.passwordHash)
      : await this.passwords.verifyAgainstDummy(request.password);
    if (!known || !matches) {
      this.record('invalid_credentials', user?.id);
      throw AuthErrors.invalidCredentials();
    }
    if (user.status !== 'active') {
      this.record('suspended', user.id);
      throw AuthErrors.accountSuspended();
    }
    const expiresIn = this.config.jwtExpiresInSeconds;
    const accessToken = this.tokens.signUserToken(
      { sub: user.id, roles: user.roles, tenantId: user.tenantId },
      expiresIn,
    );
    this.record('success', user.id);
    return { accessToken, tokenType: 'Bearer', expiresIn, user: toUserResponse(user) };
  }

  private record(result: LoginResult, userId: string | undefined): void {
    this.logins.inc({ result });
    // The attempted email is not logged: it may be a password typed into the wrong field.
    this.logger.log({ msg: 'login attempt', result, userId });
  }
}

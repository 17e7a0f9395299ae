import { Injectable, Logger } from '@nestjs/common';
import type { AcceptedResponse, ChangePasswordRequest, ResetPasswordRequest } from '@cloudphone/contracts';
import { type Principal, TransactionRunner } from '@cloudphone/shared';
import { UserServiceConfig } from '../../config/user-service.config';
import { type RequestOrigin, SecurityAuditService } from '../audit';
import { PasswordHasher, UsersService } from '../users';
import { hashToken, issueToken, retryAfterSeconds } from './account-token';
import { AccountTokensRepository } from './account-tokens.repository';
import { AuthErrors } from './auth.errors';
import { AuthEventsPublisher } from './auth-events.publisher';

/**
 * Password change (signed in, with the current password) and reset (with an emailed single-use
 * token). Both lift a lockout and email the owner that the password changed. JWTs issued before
 * stay valid until they expire (JWT_EXPIRES_IN_SECONDS), as after a suspension.
 */
@Injectable()
export class PasswordService {
  private readonly logger = new Logger(PasswordService.name);

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly tokens: AccountTokensRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: SecurityAuditService,
    private readonly publisher: AuthEventsPublisher,
    private readonly config: UserServiceConfig,
  ) {}

  /**
   * Needs a password-signed-in user (not a service, not an API key). A wrong current password counts
   * as a failed login, so a stolen session cannot be used to guess the password either.
   */
  async change(principal: Principal, request: ChangePasswordRequest, origin: RequestOrigin): Promise<void> {
    if (principal.kind !== 'user' || principal.apiKey) throw AuthErrors.userTokenRequired();
    const user = await this.users.findForLogin({ id: principal.userId });
    if (!user || user.status === 'deleted') throw AuthErrors.userTokenRequired();
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      throw AuthErrors.accountLocked(retryAfterSeconds(user.lockedUntil));
    }
    if (!(await this.passwords.verify(request.currentPassword, user.passwordHash))) {
      await this.transactions.run(async () => {
        await this.users.recordLoginFailure(
          user.id,
          this.config.loginMaxFailures,
          this.config.loginLockoutSeconds,
        );
        await this.audit.record({
          event: 'login.failed',
          userId: user.id,
          origin,
          details: { reason: 'change_password' },
        });
      });
      throw AuthErrors.wrongCurrentPassword();
    }
    if (request.currentPassword === request.newPassword) throw AuthErrors.passwordUnchanged();
    const passwordHash = await this.passwords.hash(request.newPassword);
    await this.transactions.run(async () => {
      await this.users.setPasswordHash(user.id, passwordHash);
      await this.audit.record({ event: 'password.changed', userId: user.id, origin });
      await this.publisher.passwordChanged(user);
    });
    this.logger.log({ msg: 'password changed', userId: user.id });
  }

  /**
   * Emails a reset token to an active or pending account. Always the same answer, so the route does
   * not tell which addresses have accounts; only the latest token works.
   */
  async forgot(email: string, origin: RequestOrigin): Promise<AcceptedResponse> {
    const user = await this.users.findForLogin({ email });
    if (user && (user.status === 'active' || user.status === 'pending')) {
      const { token, hash } = issueToken();
      await this.transactions.run(async () => {
        const expiresAt = await this.tokens.issue(
          user.id,
          'password_reset',
          hash,
          this.config.passwordResetTtlSeconds,
        );
        await this.audit.record({ event: 'password.reset_requested', userId: user.id, origin });
        await this.publisher.passwordResetRequested(user, token, expiresAt);
      });
      this.logger.log({ msg: 'password reset requested', userId: user.id });
    }
    return { accepted: true };
  }

  /**
   * Sets the new password. Redeeming the emailed token also proves the address, so a pending
   * account becomes active (someone who signed up with another's address cannot keep it from them).
   */
  async reset(request: ResetPasswordRequest, origin: RequestOrigin): Promise<void> {
    // Hashed before the transaction: scrypt takes tens of milliseconds, a connection should not wait.
    const passwordHash = await this.passwords.hash(request.newPassword);
    const userId = await this.transactions.run(async () => {
      const redeemed = await this.tokens.redeem(hashToken(request.token), 'password_reset');
      if (!redeemed) throw AuthErrors.tokenInvalid();
      await this.tokens.retireOpen(redeemed, 'password_reset');
      await this.users.setPasswordHash(redeemed, passwordHash);
      const user = await this.users.record(redeemed);
      await this.audit.record({ event: 'password.reset', userId: redeemed, origin });
      await this.publisher.passwordChanged(user);
      if (await this.users.verifyEmail(redeemed)) {
        await this.audit.record({
          event: 'user.verified',
          userId: redeemed,
          origin,
          details: { via: 'password_reset' },
        });
        await this.publisher.verified(await this.users.record(redeemed));
      }
      return redeemed;
    });
    this.logger.log({ msg: 'password reset', userId });
  }
}

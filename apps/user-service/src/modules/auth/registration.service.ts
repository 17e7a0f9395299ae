import { Injectable, Logger } from '@nestjs/common';
import type { AcceptedResponse, RegisterRequest, UserResponse } from '@cloudphone/contracts';
import { TransactionRunner } from '@cloudphone/shared';
import { UserServiceConfig } from '../../config/user-service.config';
import { type RequestOrigin, SecurityAuditService } from '../audit';
import { toUserResponse, UsersService } from '../users';
import { hashToken, issueToken } from './account-token';
import { AccountTokensRepository } from './account-tokens.repository';
import { AuthErrors } from './auth.errors';
import { AuthEventsPublisher } from './auth-events.publisher';

/**
 * Self-service sign-up: a pending account with the default tier (its quota comes from that tier's
 * defaults), an emailed verification token, and activation when the token is redeemed.
 */
@Injectable()
export class RegistrationService {
  private readonly logger = new Logger(RegistrationService.name);

  constructor(
    private readonly users: UsersService,
    private readonly tokens: AccountTokensRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: SecurityAuditService,
    private readonly publisher: AuthEventsPublisher,
    private readonly config: UserServiceConfig,
  ) {}

  /** The user, the token and both events commit together: a sign-up never lacks its email. */
  async register(request: RegisterRequest, origin: RequestOrigin): Promise<UserResponse> {
    const { token, hash } = issueToken();
    const user = await this.transactions.run(async () => {
      const created = await this.users.signUp({ ...request, tier: this.config.signupDefaultTier });
      const expiresAt = await this.tokens.issue(created.id, 'email_verification', hash, this.ttl());
      await this.audit.record({ event: 'user.registered', userId: created.id, origin });
      await this.publisher.registered(created, token, expiresAt);
      return created;
    });
    this.logger.log({ msg: 'user registered', userId: user.id, tier: user.tier });
    return toUserResponse(user);
  }

  /** Redeems the emailed token; the first redemption activates a pending account. */
  async verify(token: string, origin: RequestOrigin): Promise<UserResponse> {
    const user = await this.transactions.run(async () => {
      const userId = await this.tokens.redeem(hashToken(token), 'email_verification');
      if (!userId) throw AuthErrors.tokenInvalid();
      const activated = await this.users.verifyEmail(userId);
      const verified = await this.users.record(userId);
      if (activated) {
        await this.audit.record({ event: 'user.verified', userId, origin });
        await this.publisher.verified(verified);
      }
      return verified;
    });
    this.logger.log({ msg: 'email verified', userId: user.id, status: user.status });
    return toUserResponse(user);
  }

  /**
   * A new verification email for a pending account. Always the same answer, so the route does not
   * tell which addresses have accounts; the earlier tokens stop working.
   */
  async resend(email: string): Promise<AcceptedResponse> {
    const user = await this.users.findForLogin({ email });
    if (user?.status === 'pending') {
      const { token, hash } = issueToken();
      await this.transactions.run(async () => {
        const expiresAt = await this.tokens.issue(user.id, 'email_verification', hash, this.ttl());
        await this.publisher.verificationRequested(user, token, expiresAt);
      });
      this.logger.log({ msg: 'verification email requested', userId: user.id });
    }
    return { accepted: true };
  }

  private ttl(): number {
    return this.config.emailVerificationTtlSeconds;
  }
}

import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';

export type TokenPurpose = 'email_verification' | 'password_reset';

/** The `user_tokens` table (migration 0004): emailed single-use tokens, stored as SHA-256. */
@Injectable()
export class AccountTokensRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Stores a new token and retires the user's earlier open ones of the same purpose, so only the
   * latest email works. Expired and used rows of the user are deleted on the way (rows of users who
   * never come back are few: sign-up and reset requests are rate limited).
   */
  async issue(userId: string, purpose: TokenPurpose, hash: Buffer, ttlSeconds: number): Promise<Date> {
    await this.retireOpen(userId, purpose);
    await this.sql.rows(
      `DELETE FROM user_tokens WHERE user_id = $1 AND (used_at IS NOT NULL OR expires_at <= now())`,
      [userId],
    );
    const row = await this.sql.one<{ expiresAt: Date }>(
      `INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       RETURNING expires_at AS "expiresAt"`,
      [userId, purpose, hash, ttlSeconds],
    );
    return row!.expiresAt;
  }

  /**
   * Redeems a token: one conditional UPDATE, so of two concurrent redemptions exactly one gets the
   * user id. Null when the token is unknown, of another purpose, used, expired, or its user deleted.
   */
  async redeem(hash: Buffer, purpose: TokenPurpose): Promise<string | null> {
    const row = await this.sql.one<{ userId: string }>(
      `UPDATE user_tokens t SET used_at = now()
       FROM users u
       WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now()
         AND u.id = t.user_id AND u.status <> 'deleted'
       RETURNING t.user_id AS "userId"`,
      [hash, purpose],
    );
    return row?.userId ?? null;
  }

  /** Marks the user's open tokens of this purpose used (after a reset, the other reset emails die). */
  async retireOpen(userId: string, purpose: TokenPurpose): Promise<void> {
    await this.sql.rows(
      `UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
      [userId, purpose],
    );
  }
}

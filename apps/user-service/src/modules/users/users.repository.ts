import { Injectable } from '@nestjs/common';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { UserRole, UserStatus, UserTier } from '@cloudphone/contracts';
import type { UserRecord, UserWithPasswordHash } from './user-record';

// password_hash is deliberately not mapped: only the login query selects it.
const USERS = new TableMap<UserRecord>('users', {
  id: 'id',
  tenantId: 'tenant_id',
  email: 'email',
  username: 'username',
  emailVerifiedAt: 'email_verified_at',
  displayName: 'display_name',
  roles: 'roles',
  tier: 'tier',
  status: 'status',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

export interface NewUser {
  email: string;
  username?: string;
  /** `pending` for a sign-up until the email is verified; admin-created users are `active`. */
  status: 'pending' | 'active';
  passwordHash: string;
  displayName: string;
  roles: UserRole[];
  tier: UserTier;
  tenantId: string;
}

export type LoginIdentifier = { email: string } | { username: string } | { id: string };

export interface LoginFailure {
  /** This failure locked the account. */
  lockedNow: boolean;
  lockedUntil: Date | null;
}

export interface UserChanges {
  roles?: UserRole[];
  tier?: UserTier;
  status?: UserStatus;
  displayName?: string;
}

// The properties an update may set, in a fixed order; their columns come from USERS, so the SET
// list is built from this whitelist and never from the keys a caller passes.
const UPDATABLE: ReadonlyArray<keyof UserChanges & keyof UserRecord> = [
  'roles',
  'tier',
  'status',
  'displayName',
];

@Injectable()
export class UsersRepository {
  constructor(private readonly sql: SqlClient) {}

  list(query: ListQuery): Promise<Page<UserRecord>> {
    return findPage(this.sql, USERS, query);
  }

  findById(id: string): Promise<UserRecord | null> {
    return this.sql.one<UserRecord>(`SELECT ${USERS.select()} FROM users WHERE id = $1`, [id]);
  }

  /** Locks the user's row until the surrounding transaction ends (serialises concurrent PATCHes). */
  findByIdForUpdate(id: string): Promise<UserRecord | null> {
    return this.sql.one<UserRecord>(`SELECT ${USERS.select()} FROM users WHERE id = $1 FOR UPDATE`, [id]);
  }

  /**
   * The user with this email or username (case-insensitively), with the password hash and lockout
   * state, for login and password checks.
   */
  findWithPassword(by: LoginIdentifier): Promise<UserWithPasswordHash | null> {
    const where =
      'id' in by ? 'id = $1' : 'email' in by ? 'lower(email) = lower($1)' : 'lower(username) = lower($1)';
    return this.sql.one<UserWithPasswordHash>(
      `SELECT ${USERS.select()}, password_hash AS "passwordHash",
              failed_login_count AS "failedLoginCount", locked_until AS "lockedUntil"
       FROM users WHERE ${where}`,
      ['id' in by ? by.id : 'email' in by ? by.email : by.username],
    );
  }

  /**
   * Inserts the user unless the email or username is taken (the unique indexes decide, so two
   * concurrent inserts cannot both win); returns the new id, or null when either was taken.
   */
  async insertUnlessTaken(user: NewUser): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO users (email, username, password_hash, display_name, roles, tier, tenant_id, status,
                          email_verified_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8 = 'active' THEN now() END)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        user.email,
        user.username ?? null,
        user.passwordHash,
        user.displayName,
        user.roles,
        user.tier,
        user.tenantId,
        user.status,
      ],
    );
    return row?.id ?? null;
  }

  async emailExists(email: string): Promise<boolean> {
    return (await this.sql.one('SELECT 1 FROM users WHERE lower(email) = lower($1)', [email])) !== null;
  }

  /**
   * Counts a failed login and locks the account once `maxFailures` follow each other, in one
   * statement: concurrent failures serialise on the row, so exactly one of them sets the lock.
   * Null when the account was already locked (by this or a concurrent failure).
   */
  recordLoginFailure(id: string, maxFailures: number, lockSeconds: number): Promise<LoginFailure | null> {
    return this.sql.one<LoginFailure>(
      `UPDATE users SET
         failed_login_count = CASE WHEN failed_login_count + 1 >= $2 THEN 0 ELSE failed_login_count + 1 END,
         locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN now() + make_interval(secs => $3)
                             ELSE locked_until END
       WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())
       RETURNING coalesce(locked_until > now(), false) AS "lockedNow", locked_until AS "lockedUntil"`,
      [id, maxFailures, lockSeconds],
    );
  }

  /** A successful login forgets earlier failures (a no-op write is skipped). */
  async clearLoginFailures(id: string): Promise<void> {
    await this.sql.rows('UPDATE users SET failed_login_count = 0 WHERE id = $1 AND failed_login_count <> 0', [
      id,
    ]);
  }

  /** Sets a new password hash and lifts any lockout (a reset is how a locked-out owner gets back in). */
  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.sql.rows(
      `UPDATE users SET password_hash = $2, password_changed_at = now(), failed_login_count = 0,
                        locked_until = NULL, updated_at = now()
       WHERE id = $1`,
      [id, passwordHash],
    );
  }

  /**
   * Marks the email verified, and activates the account if it was pending; true when it was
   * pending (only the first of concurrent verifications activates it).
   */
  async verifyEmail(id: string): Promise<boolean> {
    const rows = await this.sql.rows<{ activated: boolean }>(
      `UPDATE users SET email_verified_at = coalesce(email_verified_at, now()),
                        status = CASE WHEN status = 'pending' THEN 'active' ELSE status END,
                        updated_at = now()
       FROM (SELECT status AS before FROM users WHERE id = $1 FOR UPDATE) previous
       WHERE id = $1
       RETURNING previous.before = 'pending' AS activated`,
      [id],
    );
    return rows[0]?.activated ?? false;
  }

  /** Sets the given fields only, and stamps updated_at. */
  async update(id: string, changes: UserChanges): Promise<void> {
    const parameters: unknown[] = [id];
    const assignments: string[] = [];
    for (const property of UPDATABLE) {
      if (changes[property] === undefined) continue;
      parameters.push(changes[property]);
      assignments.push(`${USERS.column(property)} = $${parameters.length}`);
    }
    assignments.push('updated_at = now()');
    // The SET list varies with the fields given, so the statement is not kept prepared.
    await this.sql.rowsOnce(`UPDATE users SET ${assignments.join(', ')} WHERE id = $1`, parameters);
  }

  /** Users per status and tier, for the user-metrics job. */
  countByStatusAndTier(): Promise<Array<{ status: UserStatus; tier: UserTier; count: number }>> {
    return this.sql.rows('SELECT status, tier, count(*)::int AS count FROM users GROUP BY status, tier');
  }
}

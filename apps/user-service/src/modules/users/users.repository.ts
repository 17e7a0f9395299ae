import { Injectable } from '@nestjs/common';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { UserRole, UserStatus, UserTier } from '@cloudphone/contracts';
import type { UserRecord, UserWithPasswordHash } from './user-record';

// password_hash is deliberately not mapped: only the login query selects it.
const USERS = new TableMap<UserRecord>('users', {
  id: 'id',
  tenantId: 'tenant_id',
  email: 'email',
  displayName: 'display_name',
  roles: 'roles',
  tier: 'tier',
  status: 'status',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

export interface NewUser {
  email: string;
  passwordHash: string;
  displayName: string;
  roles: UserRole[];
  tier: UserTier;
  tenantId: string;
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

  /** The user with this email (case-insensitively), including the password hash, for login. */
  findByEmailWithPassword(email: string): Promise<UserWithPasswordHash | null> {
    return this.sql.one<UserWithPasswordHash>(
      `SELECT ${USERS.select()}, password_hash AS "passwordHash" FROM users WHERE lower(email) = lower($1)`,
      [email],
    );
  }

  /**
   * Inserts the user unless the email is taken (the unique index on lower(email) decides, so two
   * concurrent inserts cannot both win); returns the new id, or null when the email was taken.
   */
  async insertUnlessEmailTaken(user: NewUser): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO users (email, password_hash, display_name, roles, tier, tenant_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ((lower(email))) DO NOTHING
       RETURNING id`,
      [user.email, user.passwordHash, user.displayName, user.roles, user.tier, user.tenantId],
    );
    return row?.id ?? null;
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

import { Injectable } from '@nestjs/common';
import { currentTransactionManager, findPage, type ListQuery, type Page } from '@cloudphone/shared';
import type { UserRole, UserStatus, UserTier } from '@cloudphone/contracts';
import { DataSource, type Repository } from 'typeorm';
import { UserEntity } from './user.entity';

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

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(query: ListQuery): Promise<Page<UserEntity>> {
    return findPage(this.users().createQueryBuilder('user'), query);
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users().findOneBy({ id });
  }

  /** Locks the user's row until the surrounding transaction ends (serialises concurrent PATCHes). */
  findByIdForUpdate(id: string): Promise<UserEntity | null> {
    return this.users()
      .createQueryBuilder('user')
      .setLock('pessimistic_write')
      .where('user.id = :id', { id })
      .getOne();
  }

  /** The user with this email (case-insensitively), including the password hash, for login. */
  findByEmailWithPassword(email: string): Promise<UserEntity | null> {
    return this.users()
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('lower(user.email) = lower(:email)', { email })
      .getOne();
  }

  /**
   * Inserts the user unless the email is taken (the unique index on lower(email) decides, so two
   * concurrent inserts cannot both win); returns the new id, or null when the email was taken.
   */
  async insertUnlessEmailTaken(user: NewUser): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.manager().query(
      `INSERT INTO users (email, password_hash, display_name, roles, tier, tenant_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ((lower(email))) DO NOTHING
       RETURNING id`,
      [user.email, user.passwordHash, user.displayName, user.roles, user.tier, user.tenantId],
    );
    return rows[0]?.id ?? null;
  }

  async update(id: string, changes: UserChanges): Promise<void> {
    await this.users().update({ id }, changes);
  }

  /** Users per status and tier, for the user-metrics job. */
  countByStatusAndTier(): Promise<Array<{ status: UserStatus; tier: UserTier; count: number }>> {
    return this.users()
      .createQueryBuilder('user')
      .select('user.status', 'status')
      .addSelect('user.tier', 'tier')
      .addSelect('count(*)::int', 'count')
      .groupBy('user.status')
      .addGroupBy('user.tier')
      .getRawMany();
  }

  private manager() {
    return currentTransactionManager() ?? this.dataSource.manager;
  }

  private users(): Repository<UserEntity> {
    return this.manager().getRepository(UserEntity);
  }
}

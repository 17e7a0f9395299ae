import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import { Repository } from 'typeorm';
import { UserEntity, type UserStatus, type UserTier } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  list(query: ListQuery): Promise<Page<UserEntity>> {
    return findPage(this.users.createQueryBuilder('user'), query);
  }

  /** Users per status and tier, for the user-metrics job. */
  countByStatusAndTier(): Promise<Array<{ status: UserStatus; tier: UserTier; count: number }>> {
    return this.users
      .createQueryBuilder('user')
      .select('user.status', 'status')
      .addSelect('user.tier', 'tier')
      .addSelect('count(*)::int', 'count')
      .groupBy('user.status')
      .addGroupBy('user.tier')
      .getRawMany();
  }
}

import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, USER_STATUSES, USER_TIERS, type UserStatus, type UserTier } from './user-attributes';

/** A user as every endpoint returns it (never with a password or its hash). */
export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'default' })
  tenantId!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ nullable: true, type: String, example: 'ada' })
  username!: string | null;

  @ApiProperty({ description: 'Whether the user proved they own the email address' })
  emailVerified!: boolean;

  @ApiProperty({ example: 'Ada Lovelace' })
  displayName!: string;

  @ApiProperty({ enum: USER_ROLES, isArray: true, example: ['user'] })
  roles!: string[];

  @ApiProperty({ enum: USER_TIERS })
  tier!: UserTier;

  @ApiProperty({ enum: USER_STATUSES })
  status!: UserStatus;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

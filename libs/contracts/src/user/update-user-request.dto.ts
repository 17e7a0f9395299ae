import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Length } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import {
  USER_FIELD_LIMITS,
  USER_ROLES,
  USER_TIERS,
  type UserRole,
  type UserStatus,
  type UserTier,
} from './user-attributes';

const ADMIN_SETTABLE_STATUSES = ['active', 'suspended', 'deleted'] as const;

/**
 * Body of admin `PATCH /users/:id`; at least one field. A tier change moves the user's quota limits
 * to the new tier's defaults unless an admin set custom limits (409 LIMIT_BELOW_USAGE when the
 * user already uses more than the new defaults allow).
 */
export class UpdateUserRequest {
  @ApiPropertyOptional({ enum: USER_ROLES, isArray: true })
  @OptionalField()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(USER_ROLES.length)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles?: UserRole[];

  @ApiPropertyOptional({ enum: USER_TIERS })
  @OptionalField()
  @IsIn(USER_TIERS)
  tier?: UserTier;

  /** `pending` is only ever set by sign-up; an admin activating a pending user vouches for the email. */
  @ApiPropertyOptional({ enum: ADMIN_SETTABLE_STATUSES })
  @OptionalField()
  @IsIn(ADMIN_SETTABLE_STATUSES)
  status?: Exclude<UserStatus, 'pending'>;

  @ApiPropertyOptional({ maxLength: USER_FIELD_LIMITS.displayNameMaxLength })
  @OptionalField()
  @IsString()
  @Length(1, USER_FIELD_LIMITS.displayNameMaxLength)
  displayName?: string;
}

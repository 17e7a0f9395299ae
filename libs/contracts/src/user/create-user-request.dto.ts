import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { USER_FIELD_LIMITS, USER_ROLES, USER_TIERS, type UserRole, type UserTier } from './user-attributes';

/** Body of admin `POST /users`. The email is unique case-insensitively (409 EMAIL_TAKEN). */
export class CreateUserRequest {
  @ApiProperty({ example: 'ada@example.com', maxLength: USER_FIELD_LIMITS.emailMaxLength })
  @IsEmail()
  @MaxLength(USER_FIELD_LIMITS.emailMaxLength)
  email!: string;

  @ApiProperty({
    minLength: USER_FIELD_LIMITS.passwordMinLength,
    maxLength: USER_FIELD_LIMITS.passwordMaxLength,
  })
  @IsString()
  @Length(USER_FIELD_LIMITS.passwordMinLength, USER_FIELD_LIMITS.passwordMaxLength)
  password!: string;

  @ApiProperty({ example: 'Ada Lovelace', maxLength: USER_FIELD_LIMITS.displayNameMaxLength })
  @IsString()
  @Length(1, USER_FIELD_LIMITS.displayNameMaxLength)
  displayName!: string;

  @ApiPropertyOptional({ enum: USER_ROLES, isArray: true, default: ['user'] })
  @OptionalField()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(USER_ROLES.length)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles?: UserRole[];

  @ApiPropertyOptional({ enum: USER_TIERS, default: 'free' })
  @OptionalField()
  @IsIn(USER_TIERS)
  tier?: UserTier;

  @ApiPropertyOptional({ example: 'default', pattern: USER_FIELD_LIMITS.tenantIdPattern.source })
  @OptionalField()
  @IsString()
  @Matches(USER_FIELD_LIMITS.tenantIdPattern)
  tenantId?: string;
}

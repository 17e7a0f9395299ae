import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { USER_FIELD_LIMITS } from './user-attributes';

const password = () => ({
  minLength: USER_FIELD_LIMITS.passwordMinLength,
  maxLength: USER_FIELD_LIMITS.passwordMaxLength,
});
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

/** Body of `POST /auth/register`: a pending account until the emailed token is redeemed. */
export class RegisterRequest {
  @ApiProperty({ example: 'ada@example.com', maxLength: USER_FIELD_LIMITS.emailMaxLength })
  @IsEmail()
  @MaxLength(USER_FIELD_LIMITS.emailMaxLength)
  email!: string;

  @ApiProperty(password())
  @IsString()
  @Length(USER_FIELD_LIMITS.passwordMinLength, USER_FIELD_LIMITS.passwordMaxLength)
  password!: string;

  @ApiProperty({ example: 'Ada Lovelace', maxLength: USER_FIELD_LIMITS.displayNameMaxLength })
  @IsString()
  @Length(1, USER_FIELD_LIMITS.displayNameMaxLength)
  displayName!: string;

  @ApiPropertyOptional({ example: 'ada', pattern: USER_FIELD_LIMITS.usernamePattern.source })
  @OptionalField()
  @IsString()
  @Matches(USER_FIELD_LIMITS.usernamePattern, { message: 'username must be 3-32 letters, digits, _ . or -' })
  username?: string;
}

/** Body of `POST /auth/verify-email` and the token half of `POST /auth/reset-password`. */
export class VerifyEmailRequest {
  @ApiProperty({ description: 'The token from the email' })
  @IsString()
  @Matches(TOKEN_PATTERN, { message: 'token must be the token from the email' })
  token!: string;
}

/** Body of `POST /auth/verify-email/resend` and `POST /auth/forgot-password`. */
export class AccountEmailRequest {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail()
  @MaxLength(USER_FIELD_LIMITS.emailMaxLength)
  email!: string;
}

/** Body of `POST /auth/reset-password`. */
export class ResetPasswordRequest extends VerifyEmailRequest {
  @ApiProperty(password())
  @IsString()
  @Length(USER_FIELD_LIMITS.passwordMinLength, USER_FIELD_LIMITS.passwordMaxLength)
  newPassword!: string;
}

/** Body of `POST /auth/change-password`. */
export class ChangePasswordRequest {
  @ApiProperty()
  @IsString()
  @Length(1, USER_FIELD_LIMITS.passwordMaxLength)
  currentPassword!: string;

  @ApiProperty(password())
  @IsString()
  @Length(USER_FIELD_LIMITS.passwordMinLength, USER_FIELD_LIMITS.passwordMaxLength)
  newPassword!: string;
}

/** Answer of the routes that never tell whether an account exists (forgot password, resend). */
export class AcceptedResponse {
  @ApiProperty({ enum: [true] })
  accepted!: true;
}

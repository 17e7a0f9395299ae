import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { CreateUserRequest } from './create-user-request.dto';
import { USER_FIELD_LIMITS } from './user-attributes';

const password = () => ({
  minLength: USER_FIELD_LIMITS.passwordMinLength,
  maxLength: USER_FIELD_LIMITS.passwordMaxLength,
});
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

/** Body of `POST /auth/register`: a pending account until the emailed token is redeemed. */
export class RegisterRequest extends PickType(CreateUserRequest, [
  'email',
  'password',
  'displayName',
] as const) {
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
export class AccountEmailRequest extends PickType(CreateUserRequest, ['email'] as const) {}

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

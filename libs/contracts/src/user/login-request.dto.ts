import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import { USER_FIELD_LIMITS } from './user-attributes';

/** Body of `POST /auth/login`: exactly one of `email` and `username`, and the password. */
export class LoginRequest {
  @ApiPropertyOptional({ example: 'ada@example.com' })
  @ValidateIf((request: LoginRequest) => request.username === undefined || request.email !== undefined)
  @IsString()
  @Length(1, USER_FIELD_LIMITS.emailMaxLength)
  email?: string;

  @ApiPropertyOptional({ example: 'ada', pattern: USER_FIELD_LIMITS.usernamePattern.source })
  @ValidateIf((request: LoginRequest) => request.email === undefined || request.username !== undefined)
  @IsString()
  @Matches(USER_FIELD_LIMITS.usernamePattern, { message: 'username must be 3-32 letters, digits, _ . or -' })
  username?: string;

  @ApiProperty()
  @IsString()
  @Length(1, USER_FIELD_LIMITS.passwordMaxLength)
  password!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { USER_FIELD_LIMITS } from './user-attributes';

/** Body of `POST /auth/login`. */
export class LoginRequest {
  @ApiProperty({ example: 'ada@example.com' })
  @IsString()
  @Length(1, USER_FIELD_LIMITS.emailMaxLength)
  email!: string;

  @ApiProperty()
  @IsString()
  @Length(1, USER_FIELD_LIMITS.passwordMaxLength)
  password!: string;
}

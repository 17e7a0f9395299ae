import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from './user-response.dto';

/** Answer of `POST /auth/login`: a user JWT for `Authorization: Bearer <accessToken>`. */
export class LoginResponse {
  @ApiProperty()
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ example: 3600, description: 'Seconds until the token expires' })
  expiresIn!: number;

  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}
